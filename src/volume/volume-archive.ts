// `volume export`, `volume import`, `volume mount`/`unmount`: a volume's
// data as a tar (names relative to _data, ownership as containers see it:
// read and written through the helper's `fs` service in the user
// namespace, so files owned by sub-ids come and go whole), and its mount
// point. podman's checks and messages (cmd/podman/volumes/).

import fs from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { dirRoot } from '../container-fs/container-root.js';
import { withFsSession } from '../container-fs/fs-session.js';
import { TarOut, tarItems } from '../container-fs/tar-io.js';
import { ChildExit, TscRunError } from '../errors.js';
import { VolumeStore } from './volume-store.js';

/** podman refuses a local volume with a mount type that is not mounted (we mount those only for a container). */
async function dataDirOf(dataRoot: string, name: string): Promise<string> {
  const store = new VolumeStore(dataRoot);
  const rec = await store.get(name);
  // podman's words for export/import, shorter than rm's.
  if (!rec) throw new TscRunError(`no such volume ${name}`);
  const type = rec.options.type;
  if (type !== undefined && type !== 'tmpfs') {
    throw new TscRunError(`volume is using a driver local and volume is not mounted on ${store.dataDir(rec.name)}`);
  }
  return store.dataDir(rec.name);
}

export async function exportVolume(dataRoot: string, name: string, output: string | undefined, stdout: Writable & { isTTY?: boolean }): Promise<void> {
  if (output === '') throw new TscRunError('expects output path, use --output=[path]');
  const toStdout = output === undefined || output === '/dev/stdout' || output === '-';
  if (toStdout && stdout.isTTY) throw new TscRunError('cannot write to terminal, use command-line redirection or the --output flag');
  const dir = await dataDirOf(dataRoot, name);
  const dest = toStdout ? stdout : fs.createWriteStream(output, { mode: 0o644 });
  const out = new TarOut(dest, !toStdout);
  try {
    await withFsSession(dirRoot(dir), (s) =>
      s.walk('get', '/', async (e, data) => {
        if (e.path === '') return;
        await out.add(e, e.path, data);
      }),
    );
    await out.finish();
  } catch (err) {
    out.abort(err as Error);
    if (!toStdout) await fs.promises.rm(output, { force: true });
    if ((err as NodeJS.ErrnoException).code === 'EPIPE' && toStdout) throw new ChildExit(141);
    throw err;
  }
}

export async function importVolume(dataRoot: string, name: string, source: string, stdin: Readable): Promise<void> {
  let input: Readable = stdin;
  if (source !== '-') {
    if (source.includes(':')) throw new TscRunError(`invalid filename (should not contain ':') ${JSON.stringify(source)}`);
    input = await new Promise<Readable>((resolve, reject) => {
      const s = fs.createReadStream(source);
      s.once('open', () => resolve(s));
      s.once('error', (e: NodeJS.ErrnoException) =>
        reject(new TscRunError(`open ${source}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.code === 'EACCES' ? 'permission denied' : e.code === 'EISDIR' ? 'is a directory' : e.message}`)),
      );
    });
  }
  const dir = await dataDirOf(dataRoot, name);
  await withFsSession(dirRoot(dir), (s) => s.put('/', true, tarItems(input)));
}

/**
 * `volume mount`: rootless only inside `tsc-run unshare` (uid 0 there), as
 * podman; a plain local volume needs no mount, its mount point is printed.
 */
export async function mountVolume(dataRoot: string, name: string, uid = process.getuid!()): Promise<string> {
  if (uid !== 0) throw new TscRunError('cannot run command "tsc-run volume mount" in rootless mode, must execute `tsc-run unshare` first');
  return dataDirOf(dataRoot, name);
}

/** `volume unmount`: nothing is mounted for a plain local volume; a missing one is podman's error. */
export async function unmountVolume(dataRoot: string, name: string): Promise<void> {
  await dataDirOf(dataRoot, name);
}
