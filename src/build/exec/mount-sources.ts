// RUN --mount made real for one step: bind sources (the context, a named
// --build-context, a stage or an image: an image's root is copied once per
// build with ownership kept, by the helper's vfs-apply), cache directories
// kept in the store between builds (made with uid/gid/mode when new,
// sharing=locked under an inter-process lock), tmpfs, secrets (a private
// copy with the mount's mode and owner) and ssh (a socket of ours forwarding
// to the --ssh agent). Everything a step made is removed when it ends.

import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { Roots } from '../../config/paths.js';
import { TscRunError } from '../../errors.js';
import { helperTreeOps } from '../../host/helper/tree-ops.js';
import { makeVfsRootfs } from '../../runtime/container/container-rootfs.js';
import { withLock } from '../../storage/lock.js';
import { LayerStore } from '../../storage/layers/layer-store.js';
import { encodeFixupList } from '../../storage/layers/fixup-list.js';
import { makeTemp } from '../context/open-context.js';
import { scopedResolve } from '../context/scoped-path.js';
import type { BuildImage } from './build-image.js';
import type { RunMount } from './run-mounts.js';
import { StepError } from './meta-steps.js';

/** What a from= (or a bind without one) reads: a host directory, or an image's root. */
export type MountSource = { kind: 'dir'; root: string } | { kind: 'image'; img: BuildImage; stage: boolean };

export interface StepMounts {
  /** --mount values for the step container (type=bind / type=tmpfs CSV lines). */
  mount: string[];
  env: string[];
}

/** A secret given with --secret: a file, or an environment variable read when the step runs (buildah 1.28). */
export type SecretSource = { type: 'file'; path: string } | { type: 'env'; name: string };

function csvSafe(p: string, what: string): string {
  if (p.includes(',')) throw new StepError(`RUN --mount: ${what} ${JSON.stringify(p)} has a comma, which this builder cannot mount`);
  return p;
}

export class RunMountSources {
  /** Image id → its root copied once (read-only uses). */
  private readonly roots = new Map<string, Promise<string>>();
  private readonly made: string[] = [];

  constructor(
    private readonly r: Roots,
    private readonly tmpRoot: string,
    private readonly secrets: ReadonlyMap<string, SecretSource>,
    private readonly ssh: ReadonlyMap<string, string>,
  ) {}

  private cacheRoot(): string {
    return path.join(this.r.dataRoot, 'build', 'cache-mounts');
  }

  /** An image's root filesystem as a directory (a fresh copy when `fresh`, else the build's shared one). */
  private async imageRoot(img: BuildImage, fresh: boolean): Promise<string> {
    const make = async () => {
      const dir = await makeTemp(this.tmpRoot, 'mount');
      this.made.push(dir);
      const root = path.join(dir, 'root');
      if (img.layers.length === 0) await fs.mkdir(root, { mode: 0o755 });
      else {
        const layers = new LayerStore(this.r.dataRoot, helperTreeOps());
        await makeVfsRootfs(root, img.layers.map((l) => layers.diffDir(l)));
      }
      return root;
    };
    if (fresh || !img.id) return make();
    let p = this.roots.get(img.id);
    if (!p) {
      p = make();
      this.roots.set(img.id, p);
    }
    return p;
  }

  /** The host path a bind of `source` inside `src` mounts; a private copy when the step may write. */
  private async bindPath(src: MountSource, source: string, writable: boolean, what: string): Promise<string> {
    let root: string;
    if (src.kind === 'image') root = await this.imageRoot(src.img, writable);
    else root = src.root;
    // Symlinks on the way are followed inside the tree, never out of it.
    const rel = await scopedResolve(root, source);
    const abs = path.join(root, rel);
    const st = await fs.lstat(abs).catch(() => undefined);
    if (!st) throw new TscRunError(`${what}: ${JSON.stringify(`/${source}`)}: no such file or directory`);
    if (writable && src.kind === 'dir') {
      // The step's writes go to a copy (BuildKit's rule), never into the user's context.
      const dir = await makeTemp(this.tmpRoot, 'mount');
      this.made.push(dir);
      const copy = path.join(dir, 'copy');
      await fs.cp(abs, copy, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
      return copy;
    }
    return abs;
  }

  /** A file or socket of ours with the mount's owner and mode inside the step's user namespace. */
  private async own(file: string, m: { uid: number; gid: number; mode: number }): Promise<void> {
    const list = [];
    if (m.uid !== 0 || m.gid !== 0) list.push({ op: 'chown' as const, path: path.basename(file), uid: m.uid, gid: m.gid });
    list.push({ op: 'chmod' as const, path: path.basename(file), mode: m.mode });
    await helperTreeOps().fixup(path.dirname(file), encodeFixupList(list));
  }

  /** Make the step's mounts, run fn with them, remove what was made for the step alone. */
  async withMounts<T>(mounts: readonly RunMount[], resolve: (ref: string, what: string) => Promise<MountSource>, context: MountSource, fn: (m: StepMounts) => Promise<T>): Promise<T> {
    const out: StepMounts = { mount: [], env: [] };
    const stepDirs: string[] = [];
    const servers: net.Server[] = [];
    const locks: string[] = [];
    const stepTemp = async () => {
      const d = await makeTemp(this.tmpRoot, 'mount');
      stepDirs.push(d);
      return d;
    };
    try {
      for (const m of mounts) {
        switch (m.type) {
          case 'bind': {
            const what = `RUN --mount=type=bind${m.from ? `,from=${m.from}` : ''}`;
            const src = m.from !== undefined ? await resolve(m.from, what) : context;
            const host = await this.bindPath(src, m.source, m.rw, what);
            out.mount.push(`type=bind,src=${csvSafe(host, 'source')},dst=${csvSafe(m.target, 'target')}${m.rw ? '' : ',ro'}`);
            break;
          }
          case 'cache': {
            let host: string;
            if (m.from !== undefined) {
              const src = await resolve(m.from, `RUN --mount=type=cache,from=${m.from}`);
              if (src.kind === 'image' && !src.stage) throw new StepError(`RUN --mount=type=cache,from=${m.from}: no stage found with name ${m.from}`);
              host = await this.bindPath(src, m.source, !m.ro, `RUN --mount=type=cache,from=${m.from}`);
            } else {
              host = path.join(this.cacheRoot(), Buffer.from(m.id).toString('hex').slice(0, 200));
              await fs.mkdir(this.cacheRoot(), { recursive: true, mode: 0o700 });
              const fresh = await fs.mkdir(host, { mode: 0o700 }).then(() => true, (err: NodeJS.ErrnoException) => {
                if (err.code === 'EEXIST') return false;
                throw err;
              });
              // Owner and mode are given when the cache is made, as buildah (MkdirAllAndChownNew).
              if (fresh) await this.own(host, m);
              if (m.sharing === 'locked') locks.push(`${host}.lock`);
            }
            out.mount.push(`type=bind,src=${csvSafe(host, 'cache')},dst=${csvSafe(m.target, 'target')}${m.ro ? ',ro' : ''}`);
            break;
          }
          case 'tmpfs': {
            const opts = m.options.map((o) => o.replace(/^size=/, 'tmpfs-size=').replace(/^mode=/, 'tmpfs-mode='));
            out.mount.push([`type=tmpfs`, `dst=${csvSafe(m.target, 'target')}`, ...opts].join(','));
            break;
          }
          case 'secret': {
            const s = this.secrets.get(m.id);
            if (!s) {
              if (m.required) throw new StepError(`secret required but no secret with id ${m.id} found`);
              break;
            }
            let data: Buffer;
            if (s.type === 'file') {
              data = await fs.readFile(s.path).catch((err: NodeJS.ErrnoException) => {
                throw new TscRunError(`secret ${m.id}: reading ${s.path}: ${err.code === 'ENOENT' ? 'no such file or directory' : err.message}`);
              });
            } else data = Buffer.from(process.env[s.name] ?? '');
            const file = path.join(await stepTemp(), 'secret');
            await fs.writeFile(file, data, { mode: 0o600 });
            await this.own(file, m);
            out.mount.push(`type=bind,src=${file},dst=${csvSafe(m.target, 'target')},ro`);
            break;
          }
          case 'ssh': {
            const agent = this.ssh.get(m.id);
            if (!agent) {
              if (m.required) throw new StepError(`ssh required but no ssh with id ${m.id} found`);
              break;
            }
            const sock = path.join(await stepTemp(), 'agent.sock');
            servers.push(await forwardSocket(sock, agent));
            await this.own(sock, m);
            out.mount.push(`type=bind,src=${sock},dst=${csvSafe(m.target, 'target')}`);
            if (!out.env.some((e) => e.startsWith('SSH_AUTH_SOCK='))) out.env.push(`SSH_AUTH_SOCK=${m.target}`);
            break;
          }
        }
      }
      let run = () => fn(out);
      for (const l of locks) {
        const inner = run;
        run = () => withLock(l, inner, { timeoutMs: 24 * 3600_000 });
      }
      return await run();
    } finally {
      for (const s of servers) s.close();
      if (stepDirs.length) await helperTreeOps().rmtree(...stepDirs).catch(() => undefined);
    }
  }

  /** Remove the roots and copies made for this build. */
  async cleanup(): Promise<void> {
    const dirs = this.made.splice(0);
    if (dirs.length) await helperTreeOps().rmtree(...dirs).catch(() => undefined);
  }
}

/** A Unix socket at `at` whose every connection is piped to the agent socket `agent` (buildah forwards the same way). */
async function forwardSocket(at: string, agent: string): Promise<net.Server> {
  const server = net.createServer((c) => {
    const up = net.connect(agent);
    c.pipe(up).pipe(c);
    const end = () => {
      c.destroy();
      up.destroy();
    };
    c.on('error', end);
    up.on('error', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at, () => resolve());
  });
  server.unref();
  return server;
}
