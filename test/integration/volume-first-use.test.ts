// A volume's first use and :U as podman 4.3 (issue 9, 160-volumes.bats):
// NeedsCopyUp is cleared only by a copy-up that copies (an image directory
// missing or empty leaves it set for a later container); NeedsChown by the
// first mount. :U chowns -R on a container's first start; on a later one
// only when the source's top is not the user's any more. As the test user.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxCli, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

describe('volume first use and :U as podman 4.3', () => {
  let sb: Sandbox;
  // `ok`: exit 0 and nothing on stderr.
  const { ok } = sandboxCli(() => sb, { timeoutMs: 120_000, quiet: true });
  beforeAll(async () => {
    sb = await busyboxSandbox('volume-first-use', 'user');
  });
  afterAll(() => disposeSandbox(sb));

  it('NeedsCopyUp stays set until a copy-up copies something', async () => {
    const flags = () => ok(['volume', 'inspect', '--format', '{{.NeedsCopyUp}} {{.NeedsChown}}', 'cu']);
    await ok(['volume', 'create', 'cu']);
    expect(await flags()).toBe('true true\n');
    await ok(['run', '--rm', '-v', 'cu:/nothere', 'bb', 'true']); // no such directory in the image
    expect(await flags()).toBe('true false\n');
    await ok(['run', '--rm', '-v', 'cu:/etc', 'bb', 'true']); // copied
    expect(await flags()).toBe('false false\n');
    expect(await ok(['run', '--rm', '-v', 'cu:/mnt', 'bb', 'ls', '/mnt'])).toContain('passwd\n');
    // A volume that holds files is never copied into, and keeps the flag (podman).
    await ok(['volume', 'create', 'full']);
    await ok(['run', '--rm', '-v', 'full:/nothere', 'bb', 'touch', '/nothere/mine']);
    await ok(['run', '--rm', '-v', 'full:/etc', 'bb', 'true']);
    expect(await ok(['volume', 'inspect', '--format', '{{.NeedsCopyUp}}', 'full'])).toBe('true\n');
    // With the mount points of the /etc files bound onto it, empty, as podman 4.3 leaves them (crun).
    expect(await ok(['run', '--rm', '-v', 'full:/mnt', 'bb', 'ls', '/mnt'])).toBe('hostname\nhosts\nmine\nresolv.conf\n');
  });

  it(':U chowns -R on the first start; later only when the top is not the user any more', async () => {
    const dir = path.dirname(sb.file('ubind/test1', ''));
    sb.chown(dir);
    const stat = (p: string) => ok(['unshare', 'stat', '-c', '%u:%g', p]);
    expect(await ok(['run', '--name', 'u', '--user', '1000:2000', '-v', `${dir}:/data:U`, 'bb', 'stat', '-c', '%u:%g', '/data', '/data/test1'])).toBe('1000:2000\n1000:2000\n');
    // The top changed: chowned again, recursively.
    await ok(['unshare', 'chown', '-R', '100:200', dir]);
    expect(await ok(['start', '--attach', 'u'])).toBe('1000:2000\n1000:2000\n');
    // Only a file inside changed: left as it is.
    await ok(['unshare', 'chown', '100:200', path.join(dir, 'test1')]);
    expect(await ok(['start', '--attach', 'u'])).toBe('1000:2000\n100:200\n');
    expect(await stat(path.join(dir, 'test1'))).toBe('100:200\n');
    await ok(['rm', 'u']);
    // A new container's first start chowns everything again; the same rule for a named volume.
    expect(await ok(['run', '--rm', '--user', '1000:2000', '-v', `${dir}:/data:U`, 'bb', 'stat', '-c', '%u:%g', '/data/test1'])).toBe('1000:2000\n');
    await ok(['run', '--name', 'uv', '--user', '3:4', '-v', 'uvol:/data:U', 'bb', 'sh', '-c', 'stat -c %u:%g /data; [ -e /data/f ] || touch /data/f']);
    await ok(['run', '--rm', '-v', 'uvol:/data', 'bb', 'chown', '5:6', '/data/f']);
    expect(await ok(['start', '--attach', 'uv'])).toBe('3:4\n');
    expect(await ok(['run', '--rm', '-v', 'uvol:/data', 'bb', 'stat', '-c', '%u:%g', '/data/f'])).toBe('5:6\n');
    await ok(['rm', 'uv']);
    await ok(['unshare', 'rm', '-rf', dir]);
  });
});
