// `cp`: copy between a container and the local machine, or a tar stream
// (`-`), with podman's rules (cp-paths.ts, cmd/podman/containers/cp.go).
// Container paths are resolved by the helper inside the container's root as
// the container sees them (fs-session.ts); host paths as the user, and
// nothing is ever written through a symlink on the host (host-tree.ts).

import fs from 'node:fs';
import path from 'node:path';
import type { Roots } from '../config/paths.js';
import { ChildExit, TscRunError } from '../errors.js';
import { ContainerStore, type ContainerRecord } from '../storage/containers.js';
import { hostUserNamespace, type UserNamespacePlan } from '../host/preflight.js';
import { containerUserNamespace } from '../runtime/userns/container-userns.js';
import { containerIsLive, withContainerRoot } from './container-root.js';
import { baseName, containerPathAbs, destinationName, dirName, endsWithDot, mountFor, parseCpArgs, preserveBasePath, type Naming } from './cp-paths.js';
import { dirRoot } from './container-root.js';
import { withFsSession, type FsSession } from './fs-session.js';
import { HostWriter, hostItems, type IdMapper } from './host-tree.js';
import { TarOut, tarItems } from './tar-io.js';

export interface CpOptions {
  roots: Roots;
  source: string;
  destination: string;
  /** -a/--archive (default true): files copied into a container belong to its user. */
  archive: boolean;
  overwrite: boolean;
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
}

const NOENT = 'no such file or directory';

function notInContainer(p: string, ctr: string): TscRunError {
  return new TscRunError(`${JSON.stringify(p)} could not be found on container ${ctr}: ${NOENT}`);
}

function notOnHost(p: string): TscRunError {
  return new TscRunError(`${JSON.stringify(p)} could not be found on the host: ${NOENT}`);
}

/** podman's `container "X" does not exist`. */
async function lookupContainer(roots: Roots, name: string): Promise<ContainerRecord> {
  const { NoSuchContainerError } = await import('../storage/containers.js');
  try {
    return await new ContainerStore(roots.dataRoot).lookup(name);
  } catch (err) {
    if (err instanceof NoSuchContainerError) throw new TscRunError(`container ${JSON.stringify(name)} does not exist`);
    throw err;
  }
}

/** Host ids as the container sees them, through its user namespace's maps (unmapped: nobody). */
export function hostToContainerIds(plan: UserNamespacePlan): IdMapper {
  if (plan.kind === 'none') return (uid, gid) => ({ uid, gid });
  const map = (id: number, m: typeof plan.maps.uid) => {
    const hit = m.find((r) => id >= r.host && id < r.host + r.count);
    return hit ? hit.container + (id - hit.host) : 65534;
  };
  return (uid, gid) => ({ uid: map(uid, plan.maps.uid), gid: map(gid, plan.maps.gid) });
}

interface HostInfo {
  /** Resolved (symlinks followed), the trailing `/` or `/.` kept. */
  target: string;
  isDir: boolean;
  isFile: boolean;
}

/** podman's copy.ResolveHostPath: the path with symlinks evaluated, or undefined if missing. */
function resolveHost(p: string): HostInfo | undefined {
  const abs = path.resolve(p);
  let real: string;
  try {
    real = fs.realpathSync(abs);
  } catch {
    return undefined;
  }
  // /dev/stdout on a pipe resolves to `pipe:[N]`, which is neither: podman's "invalid destination" follows.
  const st = fs.statSync(real, { throwIfNoEntry: false });
  if (!st) return { target: abs, isDir: false, isFile: false };
  return { target: preserveBasePath(p, real), isDir: st.isDirectory(), isFile: st.isFile() };
}

export async function copy(o: CpOptions): Promise<void> {
  const { src, dest } = parseCpArgs(o.source, o.destination);
  if (src.container !== undefined && dest.container !== undefined) {
    await betweenContainers(o, src as { container: string; path: string }, dest as { container: string; path: string });
    return;
  }
  if (src.container !== undefined) {
    const rec = await lookupContainer(o.roots, src.container);
    await fromContainer(o, rec, src.container, src.path, dest.path);
  } else {
    const rec = await lookupContainer(o.roots, dest.container!);
    await toContainer(o, rec, dest.container!, dest.path, src.path);
  }
}

/**
 * CTR1:SRC CTR2:DEST (podman 4.3 copies between containers): SRC is staged
 * under its own name in a private host directory, then copied in with the
 * same rules as from the host, so names, `/.` and renames behave alike.
 */
async function betweenContainers(o: CpOptions, src: { container: string; path: string }, dest: { container: string; path: string }): Promise<void> {
  const from = await lookupContainer(o.roots, src.container);
  const to = await lookupContainer(o.roots, dest.container);
  const os = await import('node:os');
  const stageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-run-cp-'));
  try {
    const contents = endsWithDot(src.path);
    const trimmed = src.path.replace(/\/\.?$/, '').replace(/\/+$/, '');
    const name = path.posix.basename(trimmed) || 'root';
    const staged = path.join(stageDir, name);
    await fromContainer(o, from, src.container, src.path, staged);
    await toContainer(o, to, dest.container, dest.path, contents ? `${staged}/.` : staged);
  } finally {
    fs.rmSync(stageDir, { recursive: true, force: true });
  }
}

/** Where a container path is: in the container's root, or (volumes, bind mounts) in the mount's source. */
interface CpRoot {
  session: FsSession;
  /** The path inside that root. */
  path: string;
  /** The root is a mount's source: its own name when it is copied whole. */
  mountName?: string;
}

/**
 * Run fn in a session on the root that holds the container path (made
 * absolute first). A running container is seen through its mount namespace,
 * tmpfs, volumes and binds as it sees them (podman's joinMountAndExec); a
 * stopped one's volumes and binds are their host sources (podman's
 * resolvePath).
 */
async function withCpRoot<T>(o: CpOptions, rec: ContainerRecord, containerPath: string, fn: (r: CpRoot) => Promise<T>): Promise<T> {
  const abs = containerPathAbs(containerPath, rec.config.workingDir);
  const hit = mountFor(rec.config.mounts ?? [], abs);
  if (hit && !(await containerIsLive(o.roots, rec))) {
    const userns = containerUserNamespace(rec, hostUserNamespace());
    return withFsSession(dirRoot(hit.mount.source, userns), (session) => fn({ session, path: hit.rest, mountName: baseName(hit.mount.destination) }));
  }
  return withContainerRoot(o.roots, rec, ({ root }) => withFsSession(root, (session) => fn({ session, path: abs })), { withMounts: true });
}

async function fromContainer(o: CpOptions, rec: ContainerRecord, ctr: string, containerPath: string, hostPath: string): Promise<void> {
  const toStdout = hostPath === '-';
  await withCpRoot(o, rec, containerPath, async ({ session: s, path: abs, mountName }) => {
    const st = await s.stat(abs);
    if (!st.exists) throw notInContainer(containerPath, ctr);
    const isDir = st.kind === 'dir';
    let containerTarget = preserveBasePath(abs, st.resolved);

    let host: HostInfo | undefined;
    let hostBase = '';
    let toParent = false;
    if (!toStdout) {
      host = resolveHost(hostPath);
      if (host) {
        hostBase = baseName(host.target);
      } else {
        if (hostPath.endsWith('/')) throw notOnHost(hostPath);
        const parent = resolveHost(path.dirname(path.resolve(hostPath)));
        if (!parent) throw notOnHost(hostPath);
        host = parent;
        hostBase = baseName(hostPath);
        toParent = true;
      }
      if (!host.isDir && !host.isFile) throw new TscRunError(`invalid destination: ${JSON.stringify(host.target)} must be a directory or a regular file`);
    }
    if (toParent && isDir && endsWithDot(containerTarget)) containerTarget = dirName(containerTarget);
    if (host && isDir && !host.isDir) throw new TscRunError('destination must be a directory when copying a directory');

    const walkPath = endsWithDot(containerTarget) ? dirName(containerTarget) : containerTarget;
    // The root: its contents (into a new directory when the destination does not exist), without /dev, /proc and /sys (podman's excludes).
    // A mount's whole source travels under the mount's name, as any directory.
    const rootCopy = walkPath === '/' && mountName === undefined;
    const wholeMount = walkPath === '/' && mountName !== undefined && !endsWithDot(containerTarget);
    const naming: Naming = wholeMount
      ? { topName: mountName, keepTop: true }
      : rootCopy
      ? { topName: hostBase, keepTop: toParent }
      : { topName: baseName(containerTarget), keepTop: !isDir || !endsWithDot(containerTarget) };
    if (host && !rootCopy && ((!isDir && !host.isDir) || toParent)) naming.rename = hostBase;
    const skip = (p: string) => rootCopy && /^(dev|proc|sys)(\/|$)/.test(p);

    if (toStdout) {
      const out = new TarOut(o.stdout as unknown as import('node:stream').Writable, false);
      try {
        await s.walk('get', walkPath, async (e, data) => {
          const name = destinationName(e.path, naming);
          if (name === undefined || skip(e.path)) return;
          // podman gives every entry the container user's ids.
          const entry = { ...e, uid: rec.config.uid, gid: rec.config.gid };
          if (e.type === 'hardlink') entry.linkname = destinationName(e.linkname ?? '', naming);
          await out.add(entry, name, (sink) => data(sink));
        });
        await out.finish();
      } catch (err) {
        out.abort(err as Error);
        // A reader that went away (`| head`): end as a Go program does on SIGPIPE, without a message.
        if ((err as NodeJS.ErrnoException).code === 'EPIPE') throw new ChildExit(141);
        throw err;
      }
      return;
    }
    const dir = host!.isDir ? host!.target.replace(/\/\.?$/, '') || '/' : path.dirname(host!.target);
    const writer = new HostWriter(dir, o.overwrite);
    await s.walk('get', walkPath, async (e, data) => {
      const name = destinationName(e.path, naming);
      if (name === undefined || skip(e.path)) return;
      const entry = e.type === 'hardlink' ? { ...e, linkname: destinationName(e.linkname ?? '', naming) } : e;
      await writer.add(entry, name, data);
    });
    await writer.finish();
  });
}

/** The helper's put, its refusal of a dir/non-dir clash worded as podman's (`copying to container: error creating ...: file exists`). */
async function putInContainer(s: FsSession, dir: string, overwrite: boolean, items: Parameters<FsSession['put']>[2]): Promise<void> {
  try {
    await s.put(dir, overwrite, items);
  } catch (err) {
    if (err instanceof TscRunError && err.message.startsWith('error creating ')) throw new TscRunError(`copying to container: ${err.message}`);
    throw err;
  }
}

async function toContainer(o: CpOptions, rec: ContainerRecord, ctr: string, containerPath: string, hostPath: string): Promise<void> {
  const fromStdin = hostPath === '-';
  let host: HostInfo | undefined;
  if (!fromStdin) {
    host = resolveHost(hostPath);
    if (!host) throw notOnHost(hostPath);
  }
  const owner = { uid: rec.config.uid, gid: rec.config.gid };
  const plan = containerUserNamespace(rec, hostUserNamespace());
  const ids: IdMapper = o.archive ? () => owner : hostToContainerIds(plan);

  await withCpRoot(o, rec, containerPath, async ({ session: s, path: abs }) => {
    // podman's resolvePathOnDestinationContainer.
    const st = await s.stat(abs);
    let info: { resolved: string; isDir: boolean };
    let containerBase: string;
    let toParent = false;
    if (st.exists) {
      info = { resolved: st.resolved, isDir: st.kind === 'dir' };
      containerBase = baseName(preserveBasePath(abs, st.resolved));
    } else {
      if (containerPath.endsWith('/')) throw notInContainer(containerPath, ctr);
      if (fromStdin) throw new TscRunError('destination must be a directory when copying from stdin');
      containerBase = baseName(st.resolved);
      const parent = await s.stat(dirName(st.resolved));
      if (!parent.exists) throw notInContainer(containerPath, ctr);
      info = { resolved: parent.resolved, isDir: parent.kind === 'dir' };
      toParent = true;
    }
    if (fromStdin && !info.isDir) throw new TscRunError('destination must be a directory when copying from stdin');
    const targetDir = info.isDir ? info.resolved : dirName(info.resolved);

    if (fromStdin) {
      const items = (async function* () {
        for await (const item of tarItems(o.stdin as unknown as import('node:stream').Readable)) {
          if (o.archive) Object.assign(item.entry, owner);
          yield item;
        }
      })();
      await putInContainer(s, targetDir, o.overwrite, items);
      return;
    }

    let hostTarget = host!.target;
    if (toParent && host!.isDir && endsWithDot(hostTarget)) hostTarget = dirName(hostTarget);
    if (host!.isDir && !info.isDir) throw new TscRunError('destination must be a directory when copying a directory');
    const naming: Naming = { topName: baseName(hostTarget), keepTop: !host!.isDir || !endsWithDot(hostTarget) };
    if ((!host!.isDir && !info.isDir) || toParent) naming.rename = containerBase;
    const top = endsWithDot(hostTarget) ? dirName(hostTarget) : hostTarget.replace(/\/$/, '') || '/';
    await putInContainer(s, targetDir, o.overwrite, hostItems(top, (p) => destinationName(p, naming), ids));
  });
}
