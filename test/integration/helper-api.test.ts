// src/runtime/helper/helper.ts against the real helper binary: argument building,
// stdin/stdout plumbing and the mapping of its failures to typed errors.
// Runs in-process as whoever runs the tests: rootful as root (no user
// namespace), rootless with the subuid maps as an ordinary user.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandInvokeError, HelperError } from '../../src/errors.js';
import { runHelper, runModeArgs } from '../../src/host/helper/helper.js';
import { hostUserNamespace } from '../../src/host/preflight.js';
import { repoRoot } from '../harness/index.js';

/** Host id of container id `id` under the plan in use. */
function hostId(id: number, kind: 'uid' | 'gid'): number {
  const plan = hostUserNamespace();
  if (plan.kind === 'none') return id;
  const m = plan.maps[kind].find((r) => id >= r.container && id < r.container + r.count);
  if (!m) throw new Error(`${kind} ${id} is not mapped`);
  return m.host + (id - m.container);
}

describe('runHelper', () => {
  let dir: string;
  let rootfs: string;
  beforeAll(() => {
    process.env.TSC_RUN_HELPER = path.join(repoRoot(), 'dist', 'tsc-run-helper');
    dir = fs.mkdtempSync('/tmp/tsc-run-helper-api-');
    rootfs = path.join(dir, 'rootfs');
    fs.mkdirSync(path.join(rootfs, 'bin'), { recursive: true });
    fs.copyFileSync('/bin/busybox', path.join(rootfs, 'bin', 'busybox'));
    fs.chmodSync(path.join(rootfs, 'bin', 'busybox'), 0o755);
    for (const a of ['sh', 'echo', 'cat', 'id', 'hostname', 'ls']) fs.symlinkSync('busybox', path.join(rootfs, 'bin', a));
  });
  afterAll(async () => {
    await runHelper({ mode: 'rmtree', args: [dir] });
  });

  it('feeds a fixup list on stdin and applies it as namespace root', async () => {
    const layer = path.join(dir, 'layer');
    fs.mkdirSync(path.join(layer, 'a dir'), { recursive: true });
    fs.writeFileSync(path.join(layer, 'a dir', 'f'), 'x');
    const list = ['chown a%20dir/f 5 6', 'chmod a%20dir/f 4755', 'mknod a%20dir/wh c 0 0 0', 'mtime a%20dir/f 1000000000 0', ''].join('\n');
    const r = await runHelper({ mode: 'fixup', args: [layer], input: list });
    expect(r).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    const st = fs.statSync(path.join(layer, 'a dir', 'f'));
    expect([st.uid, st.gid, st.mode & 0o7777, st.mtimeMs]).toEqual([hostId(5, 'uid'), hostId(6, 'gid'), 0o4755, 1e12]);
    const wh = fs.lstatSync(path.join(layer, 'a dir', 'wh'));
    expect([wh.isCharacterDevice(), wh.rdev]).toEqual([true, 0]);
  });

  it('turns a failing fixup record into a HelperError naming it', async () => {
    const err = await runHelper({ mode: 'fixup', args: [dir], input: 'chown ../etc 0 0\n' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HelperError);
    expect((err as HelperError).exitCode).toBe(125);
    expect((err as Error).message).toMatch(/^tsc-run-helper: fixup line 1: chown \.\.\/etc 0 0: /);
  });

  it("returns a container's output and exit code, failing only for the helper's own errors", async () => {
    const ok = await runHelper({
      mode: 'run',
      args: runModeArgs({ rootfs, hostname: 'api', env: { PATH: '/bin' }, command: ['sh', '-c', 'hostname; id -u; echo e >&2; exit 3'] }),
    });
    expect(ok).toEqual({ exitCode: 3, stdout: 'api\n0\n', stderr: 'e\n' });

    const nf = await runHelper({ mode: 'run', args: runModeArgs({ rootfs, env: { PATH: '/bin' }, command: ['nosuchcmd'] }) }).catch((e: unknown) => e);
    expect(nf).toBeInstanceOf(CommandInvokeError);
    expect((nf as CommandInvokeError).exitCode).toBe(127);
    expect((nf as Error).message).toBe('exec: "nosuchcmd": executable file not found in $PATH');

    const bad = await runHelper({ mode: 'run', args: runModeArgs({ rootfs: path.join(dir, 'nope'), command: ['true'] }) }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(HelperError);
  });

  it('reports the overlay probe on stdout', async () => {
    const scratch = path.join(dir, 'probe');
    fs.mkdirSync(scratch);
    expect(await runHelper({ mode: 'probe-overlay', args: [scratch] })).toEqual({ exitCode: 0, stdout: 'ok\n', stderr: '' });
    expect(fs.readdirSync(scratch)).toEqual([]);
  });

  it('removes trees of sub-id files and ignores missing paths', async () => {
    const t = path.join(dir, 'tree');
    fs.mkdirSync(path.join(t, 'locked', 'deep'), { recursive: true });
    await runHelper({ mode: 'fixup', args: [t], input: 'chown locked/deep 100 100\nchmod locked 0\n' });
    expect((await runHelper({ mode: 'rmtree', args: [t, path.join(dir, 'missing')] })).exitCode).toBe(0);
    expect(fs.existsSync(t)).toBe(false);
  });
});
