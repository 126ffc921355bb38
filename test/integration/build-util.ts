// What the build test files share: the CLI against one sandbox (run, ok,
// a context directory, a shell in an image), a podman of its own store for
// side-by-side builds (root only: podman runs through runc in a private mount
// namespace here), and an image's file tree read from an exported tar.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extract } from 'tar-stream';
import { expect } from 'vitest';
import { runProcess, tscRun, type Sandbox } from '../harness/index.js';

/** The CLI as the sandbox's owner; `ok` expects exit 0. */
export function buildCli(sandbox: () => Sandbox) {
  const run = (args: string[], o: { input?: string | Buffer | undefined; env?: Record<string, string> | undefined } = {}) =>
    tscRun(args, { sandbox: sandbox(), timeoutMs: 120_000, ...(o.input !== undefined ? { input: o.input } : {}), ...(o.env ? { env: o.env } : {}) });
  const ok = async (args: string[], o: { input?: string | Buffer | undefined; env?: Record<string, string> | undefined } = {}) => {
    const r = await run(args, o);
    expect(r.exitCode, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    return r;
  };
  /** A build context directory under the sandbox with these files, owned by the user. */
  const context = (name: string, files: Record<string, string>) => {
    const sb = sandbox();
    const dir = path.join(sb.dir, name);
    for (const [rel, content] of Object.entries(files)) sb.file(path.join(name, rel), content);
    sb.chown(dir);
    return dir;
  };
  /** A shell script's stdout in a container of the image. */
  const sh = async (img: string, script: string) => (await ok(['run', '--rm', '--entrypoint', '', img, '/bin/sh', '-c', script])).stdout;
  return { run, ok, context, sh };
}

/** podman with a store of its own under a temporary directory (vfs, cgroupfs, chroot isolation); `tmp` gives it its own TMPDIR. */
export function podmanStore(prefix: string, o: { tmp?: boolean } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.mkdirSync(path.join(dir, 'xdg'), { mode: 0o700 });
  if (o.tmp) fs.mkdirSync(path.join(dir, 'tmp'), { mode: 0o700 });
  const podman = (args: string[]) =>
    runProcess('unshare', ['-m', 'sh', '-c', 'umount /sys/fs/cgroup/unified 2>/dev/null; exec "$@"', 'sh', 'podman', '--root', path.join(dir, 'root'), '--runroot', path.join(dir, 'run'), '--storage-driver', 'vfs', '--cgroup-manager', 'cgroupfs', ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, XDG_RUNTIME_DIR: path.join(dir, 'xdg'), BUILDAH_ISOLATION: 'chroot', ...(o.tmp ? { TMPDIR: path.join(dir, 'tmp') } : {}) },
      timeoutMs: 180_000,
    });
  const pok = async (args: string[]) => {
    const r = await podman(args);
    expect(r.exitCode, `podman ${args.join(' ')}\n${r.stderr}`).toBe(0);
    return r;
  };
  const dispose = async () => {
    await podman(['system', 'reset', '--force']).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { dir, podman, pok, dispose };
}

export interface TreeItem {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  link: string;
  sha: string;
}

/** Every entry of a tar: type, mode, owner, link target, content digest. */
export async function tarTree(file: string): Promise<Map<string, TreeItem>> {
  const out = new Map<string, TreeItem>();
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (h, stream, next) => {
      const hash = createHash('sha256');
      stream.on('data', (c: unknown) => hash.update(c as Buffer));
      stream.on('end', () => {
        const name = `/${h.name.replace(/^\.?\/*/, '').replace(/\/$/, '')}`;
        out.set(name, { type: h.type ?? 'file', mode: (h.mode ?? 0) & 0o7777, uid: h.uid ?? 0, gid: h.gid ?? 0, link: h.linkname ?? '', sha: h.type === 'file' ? hash.digest('hex') : '' });
        next();
      });
    });
    ex.on('finish', () => resolve());
    ex.on('error', reject);
  });
  fs.createReadStream(file).pipe(ex);
  await done;
  return out;
}
