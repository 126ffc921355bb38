// Where `save` writes: a file, made under a temp name in the same directory
// and renamed into place only when complete (a failed save leaves nothing,
// not half an archive), or stdout (never a terminal, as podman). Devices
// and FIFOs (`-o /dev/null`, a named pipe) are written to directly.

import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { TscRunError, UsageError } from '../../errors.js';
import { errnoCode, tempFileName } from '../../storage/atomic-file.js';

export interface ArchiveOutput {
  stream: Writable;
  /** False for stdout, which must stay open. */
  endStream: boolean;
  /** The archive is complete: put it in place. */
  commit(): Promise<void>;
  /** Something failed: remove what was written. */
  discard(): Promise<void>;
}

function openError(file: string, err: unknown): TscRunError {
  const code = errnoCode(err);
  const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
  return new TscRunError(`opening file ${JSON.stringify(file)}: open ${file}: ${why}`, undefined, { cause: err });
}

function closed(stream: fs.WriteStream): Promise<void> {
  return stream.closed ? Promise.resolve() : new Promise((resolve) => stream.once('close', () => resolve()));
}

export async function openArchiveOutput(file: string | undefined, opts: { refuseExisting: boolean }): Promise<ArchiveOutput> {
  if (file === undefined) {
    if (process.stdout.isTTY) throw new UsageError('refusing to save to terminal. Use -o flag or redirect');
    return { stream: process.stdout, endStream: false, commit: async () => {}, discard: async () => {} };
  }
  const st = await fs.promises.stat(file).catch((err: unknown) => {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw openError(file, err);
  });
  if (st?.isDirectory()) throw openError(file, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
  if (st && !st.isFile()) {
    let stream: fs.WriteStream;
    try {
      const fh = await fs.promises.open(file, 'w');
      stream = fh.createWriteStream();
    } catch (err) {
      throw openError(file, err);
    }
    return { stream, endStream: true, commit: () => closed(stream), discard: () => closed(stream) };
  }
  // containers/image's docker-archive writer refuses to overwrite a non-empty file; podman users see this.
  if (st && st.size > 0 && opts.refuseExisting) throw new TscRunError("docker-archive doesn't support modifying existing images");
  const target = st ? await fs.promises.realpath(file) : path.resolve(file);
  const tmp = path.join(path.dirname(target), tempFileName(path.basename(target)));
  let stream: fs.WriteStream;
  try {
    const fh = await fs.promises.open(tmp, 'wx', 0o644);
    stream = fh.createWriteStream();
  } catch (err) {
    throw openError(file, err);
  }
  return {
    stream,
    endStream: true,
    async commit() {
      await closed(stream);
      await fs.promises.rename(tmp, target);
    },
    async discard() {
      stream.destroy();
      await closed(stream);
      await fs.promises.rm(tmp, { force: true });
    },
  };
}
