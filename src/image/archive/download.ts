// `load -i URL`: the archive downloaded whole to a temporary file first, as
// podman 4.3 does (containers/common's download.FromURL: whatever the server
// answers is kept, so an error page fails as a payload that is no archive).

import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TscRunError, errnoText } from '../../errors.js';

/** Download `url` into a new file under `dir`; its path. */
export async function downloadToTemp(url: string, dir: string): Promise<string> {
  let tmpDir: string;
  try {
    tmpDir = await fs.promises.mkdtemp(path.join(dir, 'tsc-run-load-'));
  } catch (err) {
    throw new TscRunError(`creating temporary download file: ${errnoText(err)}`);
  }
  const file = path.join(tmpDir, 'archive');
  try {
    let res: Response;
    try {
      res = await fetch(url, { redirect: 'follow' });
    } catch (err) {
      throw new TscRunError(`downloading ${url}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`);
    }
    const out = fs.createWriteStream(file, { mode: 0o600 });
    try {
      await pipeline(res.body ? Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>) : Readable.from([]), out);
    } catch (err) {
      throw new TscRunError(`copying ${url} to ${file}: ${errnoText(err)}`);
    }
    // The file moves out of its private directory so the caller removes one path.
    const final = `${tmpDir}.tar`;
    await fs.promises.rename(file, final);
    return final;
  } finally {
    await fs.promises.rm(tmpDir, { recursive: true, force: true });
  }
}
