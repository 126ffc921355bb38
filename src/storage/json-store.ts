// Typed JSON state files: atomic writes, reads that report damage instead of
// guessing, and read-modify-write under the inter-process lock.

import fs from 'node:fs/promises';
import { StateCorruptError } from '../errors.js';
import { errnoCode, writeFileAtomic, type WriteAtomicOptions } from './atomic-file.js';
import { withLock, type LockOptions } from './lock.js';

export interface ReadJsonOptions<T> {
  /** Turns the parsed value into T or throws (its message names what is wrong). Without it the value is trusted. */
  validate?: (value: unknown) => T;
}

export interface ReadJsonOrDefaultOptions<T> extends ReadJsonOptions<T> {
  /** Returned when the file does not exist (a factory is called each time). */
  missing: T | (() => T);
}

/**
 * Read and parse a JSON file. A missing file returns `missing` when given and
 * is a StateCorruptError otherwise; so are invalid JSON and validation failures,
 * each naming the path.
 */
export async function readJson<T>(file: string, options: ReadJsonOrDefaultOptions<T>): Promise<T>;
export async function readJson<T = unknown>(file: string, options?: ReadJsonOptions<T>): Promise<T>;
export async function readJson<T>(
  file: string,
  options: ReadJsonOptions<T> & { missing?: T | (() => T) } = {},
): Promise<T> {
  return (await readJsonText(file, options)).value;
}

/** readJson, with the file's text (undefined when it was missing and `missing` stood in). */
async function readJsonText<T>(file: string, options: ReadJsonOptions<T> & { missing?: T | (() => T) }): Promise<{ value: T; text?: string }> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
    if (Object.hasOwn(options, 'missing')) return { value: resolveDefault(options.missing as T | (() => T)) };
    throw new StateCorruptError(`state file ${file} is missing`, undefined, { cause: err });
  }
  return { value: parseJsonText(file, text, options.validate), text };
}

export const jsonText = (value: unknown): string => JSON.stringify(value, null, 2) + '\n';

export function parseJsonText<T>(file: string, text: string, validate?: (value: unknown) => T): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const why = text.length === 0 ? 'it is empty' : (err as Error).message;
    throw new StateCorruptError(`state file ${file} is not valid JSON: ${why}`, undefined, { cause: err });
  }
  if (!validate) return value as T;
  try {
    return validate(value);
  } catch (err) {
    throw new StateCorruptError(`state file ${file} is invalid: ${(err as Error).message}`, undefined, {
      cause: err,
    });
  }
}

/** Write value as pretty JSON (trailing newline), atomically (see writeFileAtomic). */
export async function writeJsonAtomic(file: string, value: unknown, options: WriteAtomicOptions = {}): Promise<void> {
  await writeFileAtomic(file, jsonText(value), options);
}

export interface UpdateJsonOptions<T> extends ReadJsonOptions<T>, WriteAtomicOptions {
  lock?: LockOptions;
  /** Called under the lock just before the new text replaces the file, and just after (an index of the files, containers.ts). */
  beforeWrite?: () => void;
  afterWrite?: (value: T) => void;
}

/**
 * Read-modify-write of one JSON file under lockPath: mutate gets the current
 * value (a fresh copy of `initial` if the file is missing) and either changes
 * it in place or returns the new value. Returns what was written. If mutate
 * throws, nothing is written; nor when the new text is the file's own (a
 * state check that found nothing to change costs no temp file, fsyncs and
 * rename).
 */
export async function updateJson<T>(
  file: string,
  lockPath: string,
  initial: T | (() => T),
  mutate: (current: T) => T | void | Promise<T | void>,
  options: UpdateJsonOptions<T> = {},
): Promise<T> {
  return withLock(
    lockPath,
    async () => {
      const { value: current, text } = await readJsonText<T>(file, { missing: () => resolveDefault(initial), validate: options.validate });
      const returned = await mutate(current);
      const next = returned === undefined ? current : returned;
      const nextText = jsonText(next);
      if (nextText === text && options.mode === undefined) return next;
      const write: WriteAtomicOptions = {};
      if (options.mode !== undefined) write.mode = options.mode;
      if (options.durable !== undefined) write.durable = options.durable;
      options.beforeWrite?.();
      await writeFileAtomic(file, nextText, write);
      options.afterWrite?.(next);
      return next;
    },
    options.lock,
  );
}

function resolveDefault<T>(d: T | (() => T)): T {
  // A fresh copy each time: callers mutate what they get, and must not change a shared constant.
  return typeof d === 'function' ? (d as () => T)() : structuredClone(d);
}
