// run/create --rootfs PATH[:O]: a container from a directory instead of an
// image; writes go to the directory, or with :O to the container's own upper
// dir (the directory stays as it was). inspect, errors and exit codes as
// podman 4.3 on this machine (checked side by side).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emptyStore, isRoot, tscRun, type As, type Sandbox } from '../harness/index.js';
import { buildBusyboxRootfsTar } from '../harness/index.js';
import { disposeSandbox } from './run-util.js';

function suite(as: As) {
  let sb: Sandbox;
  let dir: string;
  const run = (args: string[]) => tscRun(args, { sandbox: sb, timeoutMs: 60_000 });
  const out = async (args: string[]) => {
    const r = await run(args);
    expect(r.exitCode, r.stderr).toBe(0);
    return r.stdout;
  };

  beforeAll(async () => {
    sb = await emptyStore(`rootfs-${as}`, as);
    const tar = await buildBusyboxRootfsTar(path.join(sb.dir, 'rootfs.tar'));
    dir = path.join(sb.dir, 'tree');
    fs.mkdirSync(dir);
    execFileSync('tar', ['-xf', tar.path, '-C', dir, '--no-same-owner']);
    fs.writeFileSync(path.join(dir, 'data.txt'), 'original\n');
    sb.chown(dir);
  });
  afterAll(() => disposeSandbox(sb));
  afterEach(async () => {
    await run(['rm', '-fa', '-t', '0']);
  });

  it('runs from the directory: the container writes into it; inspect shows no image and the Rootfs', async () => {
    expect(await out(['run', '--rm', '--rootfs', dir, 'sh', '-c', 'echo hi > /written; id -u; cat /data.txt'])).toBe('0\noriginal\n');
    expect(fs.readFileSync(path.join(dir, 'written'), 'utf8')).toBe('hi\n');
    await out(['create', '--name', 'rf', '--rootfs', dir, 'cat', '/written']);
    expect(await out(['inspect', '--format', '{{.ImageName}}|{{.Image}}|{{.Rootfs}}|{{.Config.Cmd}}', 'rf'])).toBe(`||${dir}|[cat /written]\n`);
    expect(await out(['start', '-a', 'rf'])).toBe('hi\n');
    // No image under it: commit and diff say so.
    for (const args of [['diff', 'rf'], ['commit', 'rf', 'from-rootfs']]) {
      const r = await run(args);
      expect([r.exitCode, r.stderr]).toEqual([125, `Error: container rf runs from a directory (--rootfs), not an image: ${args[0] === 'diff' ? 'there is no image to compare it with' : 'there is no image to commit onto; export it and import the tar instead'}\n`]);
    }
    expect(await out(['ps', '-a', '--filter', 'name=rf', '--format', '{{.Names}}|{{.Image}}'])).toBe('rf|\n');
    await out(['rm', 'rf']);
    expect(fs.existsSync(path.join(dir, 'bin/busybox'))).toBe(true); // removing the container leaves the directory
  });

  it(':O: writes go to the container (cp sees them), the directory is untouched', async () => {
    await out(['create', '--name', 'rfo', '--rootfs', `${dir}:O`, 'sh', '-c', 'echo changed > /data.txt; rm /written; cat /data.txt']);
    expect(await out(['inspect', '--format', '{{.Rootfs}}', 'rfo'])).toBe(`${dir}\n`);
    expect(await out(['start', '-a', 'rfo'])).toBe('changed\n');
    expect(fs.readFileSync(path.join(dir, 'data.txt'), 'utf8')).toBe('original\n');
    expect(fs.existsSync(path.join(dir, 'written'))).toBe(true);
    const copied = path.join(sb.dir, 'copied-data');
    await out(['cp', 'rfo:/data.txt', copied]);
    expect(fs.readFileSync(copied, 'utf8')).toBe('changed\n');
    await out(['rm', 'rfo']);
  });

  it("podman's errors: a missing path, a file, no command", async () => {
    const missing = await run(['run', '--rm', '--rootfs', '/nonexistent', 'true']);
    expect([missing.exitCode, missing.stderr]).toEqual([125, 'Error: running container create option: stat /nonexistent: no such file or directory\n']);
    const file = await run(['run', '--rm', '--rootfs', path.join(sb.dir, 'rootfs.tar'), 'true']);
    expect([file.exitCode, file.stderr]).toEqual([125, `Error: running container create option: ${path.join(sb.dir, 'rootfs.tar')} is not a directory\n`]);
    const noCmd = await run(['run', '--rm', '--rootfs', dir]);
    expect([noCmd.exitCode, noCmd.stderr]).toEqual([125, 'Error: no command or entrypoint provided, and no CMD or ENTRYPOINT from image\n']);
    expect((await out(['ps', '-aq'])).trim()).toBe('');
  });
}

describe('--rootfs as the test user', () => suite('user'));
describe.runIf(isRoot())('--rootfs as root', () => suite('root'));
