// Unpack one (already decompressed) layer tar into a directory, as the
// user, following UnpackPlanner's decisions, and hash the tar on the way
// (its sha256 is the layer's diffID). Ownership, special bits, devices,
// whiteouts and xattrs are left to the returned fixup list; directories stay
// 0700 while entries are written into them and get their modes at the end.

import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { onDisk } from './path-safety.js';
import { UnpackPlanner, type EntryStep, type PlanOptions, type PlanResult } from './unpack-plan.js';

export interface UnpackResult {
  /** `sha256:<hex>` of the uncompressed tar. */
  diffId: string;
  /** Bytes of the uncompressed tar. */
  size: number;
  plan: PlanResult;
}

/** Modes while unpacking: the user must be able to keep writing into what it made. */
const WORKING_DIR_MODE = 0o700;
const WORKING_FILE_MODE = 0o600;

async function drain(entry: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of entry);
}

async function mkdirIfMissing(p: string): Promise<void> {
  try {
    await fs.mkdir(p, { mode: WORKING_DIR_MODE });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

function seconds(t: { sec: number; nsec: number }): number {
  return t.sec + t.nsec / 1e9;
}

async function applyStep(root: string, step: EntryStep, entry: AsyncIterable<unknown>): Promise<void> {
  for (const d of step.mkdirs) await mkdirIfMissing(onDisk(root, d));
  if (step.remove) await fs.rm(onDisk(root, step.remove.path), { recursive: step.remove.recursive, force: true });
  const op = step.disk;
  switch (op.op) {
    case 'mkdir':
      await mkdirIfMissing(onDisk(root, op.path));
      break;
    case 'file': {
      // O_EXCL: never open through anything already at that name.
      const fh = await fs.open(onDisk(root, op.path), 'wx', WORKING_FILE_MODE);
      try {
        for await (const chunk of entry) await fh.write(chunk as Buffer);
        await fh.chmod(op.mode);
        if (step.time) await fh.utimes(seconds(step.time), seconds(step.time));
      } finally {
        await fh.close();
      }
      return;
    }
    case 'symlink':
      await fs.symlink(op.target, onDisk(root, op.path));
      if (step.time) await fs.lutimes(onDisk(root, op.path), seconds(step.time), seconds(step.time));
      break;
    case 'hardlink':
      await fs.link(onDisk(root, op.target), onDisk(root, op.path));
      break;
    case 'none':
      break;
  }
  await drain(entry);
}

/**
 * Extract `tarStream` into `root` (an existing, empty directory). Throws
 * UnsafeLayerEntryError for entries it refuses; the caller removes `root`.
 */
export async function unpackLayerTar(tarStream: Readable, root: string, opts: PlanOptions): Promise<UnpackResult> {
  const planner = new UnpackPlanner(opts);
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  const extract = tar.extract();
  const feeding = pipeline(tarStream, tap, extract);
  // Observed below; this keeps an early failure from being "unhandled" meanwhile.
  feeding.catch(() => undefined);
  try {
    for await (const entry of extract) {
      const step = planner.add(entry.header);
      await applyStep(root, step, entry);
    }
  } catch (err) {
    tarStream.destroy();
    await feeding.catch(() => undefined);
    throw err;
  }
  // The whole stream, end-of-archive padding included, counts for the digest.
  await feeding;
  const plan = planner.finish();
  for (const d of plan.dirModes) await fs.chmod(onDisk(root, d.path), d.mode);
  return { diffId: 'sha256:' + hash.digest('hex'), size, plan };
}
