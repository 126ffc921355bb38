// run/create make their image local first, by podman's pull policy:
// a missing image is pulled with pull's progress on stderr (stdout stays
// the container's), --pull=always|missing|never|newer, -q, the platform
// and registry flags, short names through unqualified-search-registries.
// Against Debian's docker-registry on 127.0.0.1, as the test user.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import { buildBusyboxImage, type OciImage } from '../harness/images.js';
import { pushImage, startRegistry, type Registry } from '../harness/registry.js';
import { disposeStore, emptyStore } from '../harness/fixtures.js';
import type { Sandbox } from '../harness/sandbox.js';

let reg: Registry;
let bb: OciImage;
let bb2: OciImage;
let sb: Sandbox;

const id = (i: OciImage) => i.configDigest.slice('sha256:'.length);
const pullLines = (ref: string, i: OciImage) =>
  [
    `Trying to pull ${ref}...`,
    'Getting image source signatures',
    ...i.layers.map((l) => `Copying blob ${l.digest}`),
    `Copying config ${i.configDigest}`,
    'Writing manifest to image destination',
    'Storing signatures',
    '',
  ].join('\n');

beforeAll(async () => {
  reg = await startRegistry();
  bb = await buildBusyboxImage({ config: { Cmd: ['echo', 'from-image-1'] } });
  bb2 = await buildBusyboxImage({ config: { Cmd: ['echo', 'from-image-2'] } });
  await pushImage(reg, 'app', '1', bb);
  await pushImage(reg, 'moving', 'latest', bb);
  await pushImage(reg, 'short', 'latest', bb);
  sb = await emptyStore('run-pull', 'user');
});
afterAll(async () => {
  await disposeStore(sb);
  await reg?.stop();
});

describe('run/create pull policy (rootless)', () => {
  const run = (args: string[]) => tscRun(args, { sandbox: sb, timeoutMs: 90_000 });
  const images = async () => (await tscRunOk(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}'], { sandbox: sb })).stdout;

  it('pulls a missing image with pull\'s progress on stderr; stdout is the container\'s; the next run pulls nothing', async () => {
    const ref = `${reg.host}/app:1`;
    const first = await run(['run', '--rm', '--tls-verify=false', ref]);
    expect(first.stdout).toBe('from-image-1\n');
    expect(first.stderr).toBe(pullLines(ref, bb));
    expect(first.exitCode).toBe(0);
    expect(await images()).toContain(`${reg.host}/app:1 ${id(bb).slice(0, 12)}`);
    // Local now: no registry flags needed, nothing on stderr.
    expect(await run(['run', '--rm', ref, 'echo', 'again'])).toMatchObject({ exitCode: 0, stdout: 'again\n', stderr: '' });
  });

  it('--pull=never: a missing image is podman\'s "image not known"; a bad policy is refused before anything', async () => {
    expect(await run(['run', '--rm', '--pull=never', `${reg.host}/app:2`, 'true'])).toMatchObject({ exitCode: 125, stdout: '', stderr: `Error: ${reg.host}/app:2: image not known\n` });
    expect(await run(['create', '--pull', 'bogus', `${reg.host}/app:1`])).toMatchObject({ exitCode: 125, stderr: 'Error: unsupported pull policy "bogus"\n' });
    expect(await run(['run', '--platform', 'linux/arm64', '--arch', 'amd64', `${reg.host}/app:1`])).toMatchObject({
      exitCode: 125,
      stderr: 'Error: --platform option can not be specified with --arch or --os\n',
    });
  });

  it('create pulls too; -q pulls silently; a missing tag fails with pull\'s error and creates nothing', async () => {
    const c = await run(['create', '-q', '--tls-verify=false', '--name', 'made', `${reg.host}/moving:latest`]);
    expect(c.exitCode, c.stderr).toBe(0);
    expect(c.stderr).toBe('');
    expect(c.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    expect((await tscRunOk(['start', '-a', 'made'], { sandbox: sb })).stdout).toBe('from-image-1\n');
    const gone = await run(['run', '--rm', '--tls-verify=false', `${reg.host}/app:nope`]);
    expect(gone.exitCode).toBe(125);
    expect(gone.stderr).toContain(`Error: initializing source docker://${reg.host}/app:nope: reading manifest nope in ${reg.host}/app: manifest unknown`);
    expect((await tscRunOk(['ps', '-a', '--format', '{{.Names}}'], { sandbox: sb })).stdout).toBe('made\n');
  });

  it('--pull=newer pulls only when the registry has another manifest; --pull=always always pulls', async () => {
    const ref = `${reg.host}/moving:latest`;
    expect(await run(['run', '--rm', '--pull=newer', '--tls-verify=false', ref])).toMatchObject({ exitCode: 0, stdout: 'from-image-1\n', stderr: '' });
    await pushImage(reg, 'moving', 'latest', bb2);
    // missing: the local image is used as it is.
    expect(await run(['run', '--rm', ref])).toMatchObject({ exitCode: 0, stdout: 'from-image-1\n', stderr: '' });
    const newer = await run(['run', '--rm', '--pull=newer', '--tls-verify=false', ref]);
    expect(newer).toMatchObject({ exitCode: 0, stdout: 'from-image-2\n' });
    expect(newer.stderr).toBe(pullLines(ref, bb2));
    const always = await run(['run', '--rm', '--pull=always', '--tls-verify=false', ref]);
    expect(always).toMatchObject({ exitCode: 0, stdout: 'from-image-2\n' });
    expect(always.stderr).toContain(`Trying to pull ${ref}...`);
    // --pull=always needs the registry: without --tls-verify=false it cannot reach it.
    const refused = await run(['run', '--rm', '--pull=always', ref]);
    expect(refused.exitCode).toBe(125);
    expect(refused.stderr).toMatch(/^Trying to pull .*\nError: initializing source docker:\/\/.*http: server gave HTTP response to HTTPS client/);
  });

  it('a short name goes through unqualified-search-registries', async () => {
    const dir = path.join(sb.home, '.config', 'containers');
    fs.mkdirSync(dir, { recursive: true });
    const conf = path.join(dir, 'registries.conf');
    fs.writeFileSync(conf, `unqualified-search-registries = ["${reg.host}"]\n\n[[registry]]\nlocation = "${reg.host}"\ninsecure = true\n`);
    sb.chown(path.join(sb.home, '.config'));
    const r = await run(['run', '--rm', 'short', 'echo', 'short-ok']);
    expect(r).toMatchObject({ exitCode: 0, stdout: 'short-ok\n' });
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([`Resolving "short" using unqualified-search registries (${conf})`, `Trying to pull ${reg.host}/short:latest...`]);
    expect(await run(['run', '--rm', 'short', 'echo', 'local'])).toMatchObject({ exitCode: 0, stdout: 'local\n', stderr: '' });
  });
});
