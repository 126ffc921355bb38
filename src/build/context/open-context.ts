// The build context: a directory used in place, or a tar archive (on stdin
// as `-`, or at an http(s) URL) unpacked as the user into a private
// temporary directory. Unpacking never writes through a symlink and never
// outside the directory (container-fs/host-tree.ts HostWriter); a temporary
// directory left by a killed build is swept by the next one.

import fs from 'node:fs/promises';
import { Readable } from 'node:stream';
import path from 'node:path';
import { TscRunError, UsageError, errorText } from '../../errors.js';
import { looksLikeArchiveHead } from './archive-magic.js';

export interface BuildContext {
  /** The context's root directory. */
  root: string;
  /** Whether root is the user's own directory (its file hashes are worth caching). */
  inPlace: boolean;
  cleanup: () => Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove the temporary directories of builds that are gone. */
export async function sweepTemp(tmpRoot: string): Promise<void> {
  const names = await fs.readdir(tmpRoot).catch(() => [] as string[]);
  for (const n of names) {
    const pid = Number(/^[a-z]+-(\d+)-/.exec(n)?.[1]);
    if (!pid || alive(pid)) continue;
    const dir = path.join(tmpRoot, n);
    await fs.rm(dir, { recursive: true, force: true }).catch(async () => {
      // RUN --mount copies of an image's root belong to sub-ids: only the helper can remove them.
      const { helperTreeOps } = await import('../../host/helper/tree-ops.js');
      await helperTreeOps().rmtree(dir).catch(() => undefined);
    });
  }
}

export async function makeTemp(tmpRoot: string, kind: string): Promise<string> {
  await fs.mkdir(tmpRoot, { recursive: true, mode: 0o700 });
  return fs.mkdtemp(path.join(tmpRoot, `${kind}-${process.pid}-`));
}

/** Unpack a (compressed) tar stream into dir. */
export async function unpackTar(input: Readable, dir: string): Promise<void> {
  const [{ tarItems }, { HostWriter }] = await Promise.all([import('../../container-fs/tar-io.js'), import('../../container-fs/host-tree.js')]);
  const writer = new HostWriter(dir);
  for await (const item of tarItems(input)) {
    const data = item.data;
    await writer.add(item.entry, item.entry.path, async (sink) => {
      if (data === undefined) return;
      for await (const chunk of Buffer.isBuffer(data) ? [data] : data) await sink(chunk);
    });
  }
  await writer.finish();
}

/** Fetch an http(s) URL as a stream (the whole body is the caller's to read). */
export async function fetchUrl(url: string): Promise<{ body: Readable; lastModified?: Date; finalUrl: string }> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow' });
  } catch (err) {
    throw new TscRunError(`getting ${JSON.stringify(url)}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`);
  }
  if (!res.ok || !res.body) throw new TscRunError(`getting ${JSON.stringify(url)}: invalid response status ${res.status}`);
  const lm = res.headers.get('last-modified');
  return {
    body: Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>),
    ...(lm && !Number.isNaN(Date.parse(lm)) ? { lastModified: new Date(lm) } : {}),
    finalUrl: res.url || url,
  };
}

export function isUrl(s: string): boolean {
  return /^https?:\/\//.test(s);
}

/**
 * `build -`: a tar archive on stdin is the context; anything else is the
 * Dockerfile of an empty context (buildah's stdinToDirectory), so
 * `podman build -t x - <<EOF` scripts work.
 */
async function stdinContext(stdin: Readable, dir: string): Promise<void> {
  const it = stdin[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const head: Buffer[] = [];
  let size = 0;
  let ended = false;
  while (size < 512) {
    const n = await it.next();
    if (n.done) {
      ended = true;
      break;
    }
    const c = Buffer.from(n.value);
    head.push(c);
    size += c.length;
  }
  const first = Buffer.concat(head);
  async function* whole(): AsyncGenerator<Buffer> {
    yield first;
    while (!ended) {
      const n = await it.next();
      if (n.done) return;
      yield Buffer.from(n.value);
    }
  }
  if (looksLikeArchiveHead(first)) return unpackTar(Readable.from(whole()), dir);
  const text: Buffer[] = [];
  for await (const c of whole()) text.push(c);
  await fs.writeFile(path.join(dir, 'Dockerfile'), Buffer.concat(text), { mode: 0o600 });
}

export async function openContext(arg: string, stdin: Readable, tmpRoot: string): Promise<BuildContext> {
  if (arg === '-' || isUrl(arg)) {
    await sweepTemp(tmpRoot);
    const dir = await makeTemp(tmpRoot, 'context');
    const cleanup = () => fs.rm(dir, { recursive: true, force: true });
    try {
      if (arg === '-') await stdinContext(stdin, dir);
      else await unpackTar((await fetchUrl(arg)).body, dir);
    } catch (err) {
      await cleanup();
      if (err instanceof TscRunError) throw err;
      throw new TscRunError(`reading the build context ${arg === '-' ? 'from stdin' : arg}: ${errorText(err)}`);
    }
    return { root: dir, inPlace: false, cleanup };
  }
  if (/^(git@|git:\/\/)|\.git(#.*)?$/.test(arg)) throw new UsageError(`git build contexts are not supported: clone ${arg} and build from the directory`);
  const root = path.resolve(arg);
  const st = await fs.stat(root).catch(() => undefined);
  if (!st) throw new TscRunError(`stat ${root}: no such file or directory`);
  if (!st.isDirectory()) throw new TscRunError(`context must be a directory: ${root}`);
  return { root, inPlace: true, cleanup: async () => {} };
}
