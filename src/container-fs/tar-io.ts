// Tar streams ↔ entry records: `cp -` (a tar on stdin into a container, a
// container path as a tar on stdout), `export` (the root as a tar) and
// commit's layer tar. tar-stream does the framing (ustar, PAX and GNU long
// names on input; ustar with PAX for long names on output).

import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar, { type Header as Headers } from 'tar-stream';
import { TscRunError } from '../errors.js';
import { cleanArchiveName } from './cp-paths.js';
import type { PutItem } from './fs-session.js';
import type { EntryType, FsEntry } from './records.js';

const FROM_TAR: Record<string, EntryType> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'dir',
  symlink: 'symlink',
  link: 'hardlink',
  'character-device': 'char',
  'block-device': 'block',
  fifo: 'fifo',
};

const TO_TAR: Record<EntryType, Headers['type']> = {
  file: 'file',
  dir: 'directory',
  symlink: 'symlink',
  hardlink: 'link',
  char: 'character-device',
  block: 'block-device',
  fifo: 'fifo',
};

export class NotAnArchiveError extends TscRunError {}

function xattrsOf(pax: unknown): FsEntry['xattrs'] {
  if (typeof pax !== 'object' || pax === null) return [];
  const out: FsEntry['xattrs'] = [];
  for (const [k, v] of Object.entries(pax)) {
    if (k.startsWith('SCHILY.xattr.') && typeof v === 'string') out.push({ name: k.slice('SCHILY.xattr.'.length), value: Buffer.from(v, 'utf8') });
  }
  return out;
}

/** A tar header as an entry record named by its cleaned path (`` for the archive's root). */
export function entryOfHeader(h: Headers): FsEntry | undefined {
  const type = FROM_TAR[h.type ?? 'file'];
  if (!type) return undefined; // pax-global-header and the like
  const ms = (h.mtime ?? new Date(0)).getTime();
  const e: FsEntry = {
    type,
    path: cleanArchiveName(h.name),
    mode: (h.mode ?? (type === 'dir' ? 0o755 : 0o644)) & 0o7777,
    uid: h.uid ?? 0,
    gid: h.gid ?? 0,
    size: type === 'file' ? (h.size ?? 0) : 0,
    mtime: { sec: Math.floor(ms / 1000), nsec: (ms % 1000) * 1e6 },
    xattrs: xattrsOf((h as { pax?: unknown }).pax),
  };
  if (type === 'symlink') e.linkname = h.linkname ?? '';
  if (type === 'hardlink') e.linkname = cleanArchiveName(h.linkname ?? '');
  if (type === 'char' || type === 'block') {
    e.devmajor = h.devmajor ?? 0;
    e.devminor = h.devminor ?? 0;
  }
  return e;
}

/**
 * The entries of a (plain or compressed) tar stream, each with its data as
 * a stream to consume before the next. The archive's root entry (`./`) is
 * skipped: it must not change the destination directory itself.
 */
export async function* tarItems(input: Readable): AsyncGenerator<PutItem> {
  const { decompressed } = await import('../storage/layers/compression.js');
  const { stream } = await decompressed(input);
  const extract = tar.extract();
  const feeding = pipeline(stream, extract).catch((err: unknown) => {
    extract.destroy(err as Error);
  });
  let seen = 0;
  try {
    for await (const entry of extract) {
      seen++;
      const e = entryOfHeader(entry.header);
      if (!e || e.path === '' || (e.type === 'hardlink' && e.linkname === '')) {
        entry.resume();
        continue;
      }
      yield { entry: e, data: entry as AsyncIterable<Buffer> };
      // The consumer may have taken no data (a refused entry): drain it.
      entry.resume();
    }
  } catch (err) {
    // A compressed stream that fails to decode (typed: bzip2) says why, not that it is no archive.
    if (seen === 0 && !(err instanceof TscRunError)) throw new NotAnArchiveError('source must be a (compressed) tar archive when copying from stdin', undefined, { cause: err });
    throw new TscRunError(`reading the tar archive: ${(err as Error).message}`, undefined, { cause: err });
  } finally {
    extract.destroy();
    await feeding;
  }
  if (seen === 0) throw new NotAnArchiveError('source must be a (compressed) tar archive when copying from stdin');
}

/** Whether an xattr value survives tar-stream's PAX encoding (a JS string written as UTF-8). */
function paxSafe(v: Buffer): boolean {
  return Buffer.from(v.toString('utf8'), 'utf8').equals(v);
}

/** The tar header of an entry named `name`. Binary xattr values are left out (see paxSafe). */
export function headerOf(e: FsEntry, name: string): Headers {
  const h: Headers = {
    name,
    type: TO_TAR[e.type],
    mode: e.mode & 0o7777,
    uid: e.uid,
    gid: e.gid,
    size: e.type === 'file' ? e.size : 0,
    mtime: new Date(e.mtime.sec * 1000 + Math.floor(e.mtime.nsec / 1e6)),
    uname: '',
    gname: '',
    linkname: e.linkname ?? '',
    devmajor: e.type === 'char' || e.type === 'block' ? (e.devmajor ?? 0) : 0,
    devminor: e.type === 'char' || e.type === 'block' ? (e.devminor ?? 0) : 0,
  };
  const xattrs = e.xattrs.filter((x) => paxSafe(x.value));
  if (xattrs.length) (h as { pax?: Record<string, string> }).pax = Object.fromEntries(xattrs.map((x) => [`SCHILY.xattr.${x.name}`, x.value.toString('utf8')]));
  return h;
}

/** Writes entries as a tar to `dest`, with backpressure. */
export class TarOut {
  private readonly pack = tar.pack();
  private readonly done: Promise<void>;
  /** Settles (never rejects) when the output ends or fails. */
  private readonly settled: Promise<void>;
  private failure: Error | undefined;

  /** endDest false for our own stdout, which must stay open. */
  constructor(dest: Writable, endDest = true) {
    this.done = pipeline(this.pack, dest, { end: endDest });
    this.settled = this.done.then(
      () => undefined,
      (err: unknown) => {
        this.failure ??= err as Error; // observed in add() and finish()
      },
    );
  }

  /** Wait until `stream` drains, or the output is gone (a destroyed pack never drains). */
  private async drained(stream: NodeJS.EventEmitter): Promise<void> {
    let off = () => {};
    const drain = new Promise<void>((resolve) => {
      stream.once('drain', resolve);
      off = () => stream.off('drain', resolve);
    });
    await Promise.race([drain, this.settled]);
    off();
  }

  private check(): void {
    if (this.failure) throw this.failure;
    if (this.pack.destroyed) throw new TscRunError('the tar stream was closed');
  }

  /** An entry; a file's data is fed through `data` (exactly entry.size bytes). */
  async add(e: FsEntry, name: string, data?: (sink: (chunk: Buffer) => Promise<void>) => Promise<void>): Promise<void> {
    this.check();
    const header = headerOf(e, name);
    let stream!: ReturnType<tar.Pack['entry']>;
    const written = new Promise<void>((ok, fail) => {
      stream = this.pack.entry(header, (err) => (err ? fail(err) : ok()));
    });
    written.catch(() => undefined); // awaited below
    stream.on('error', () => undefined); // the same failure reaches us through the callback or the pipeline
    if (header.type === 'file' && header.size && data) {
      await data(async (chunk) => {
        this.check();
        if (!stream.write(chunk)) {
          await this.drained(stream);
          this.check();
        }
      });
    }
    stream.end(undefined);
    await Promise.race([written, this.settled]);
    this.check();
    await written;
  }

  async finish(): Promise<void> {
    this.check();
    this.pack.finalize();
    await this.done;
  }

  abort(err: Error): void {
    this.failure ??= err;
    this.pack.destroy(err);
  }
}
