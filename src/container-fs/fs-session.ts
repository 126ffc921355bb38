// A session with the helper's `fs` mode: one container root (mounted or
// joined once), then requests on its stdin and answers on its stdout
// (docs/helper-protocol.md, "fs"). Every path is resolved by the helper
// inside that root, as the container sees it.
//
//   const s = openFsSession(root);
//   const st = await s.stat('/etc/passwd');
//   await s.walk('get', '/etc', async (entry, data) => { await data((chunk) => ...); });
//   await s.put('/tmp', false, items);
//   await s.close();

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { HelperError, TscRunError } from '../errors.js';
import { helperFailure, namespaceArgs } from '../host/helper/helper.js';
import { helperPath } from '../host/helper/helper-path.js';
import type { UserNamespacePlan } from '../host/preflight.js';
import { ByteReader } from './byte-reader.js';
import { decodeField, encodeEntry, encodeField, parseHeader, parseStatAnswer, parseXattrLine, type FsEntry, type StatAnswer } from './records.js';

/** Which root the helper works on: its ROOT options and the user namespace they need. */
export interface FsRoot {
  args: string[];
  userns: UserNamespacePlan;
}

/** Hands a file's data to `sink`; entries without data call it zero times. */
export type EntryData = (sink: (chunk: Buffer) => void | Promise<void>) => Promise<void>;
export type EntryVisitor = (entry: FsEntry, data: EntryData) => Promise<void>;

export interface PutItem {
  entry: FsEntry;
  /** Exactly entry.size bytes, for files. */
  data?: Buffer | AsyncIterable<Buffer>;
}

/** The helper went away mid-request: the real reason is in its exit. */
class SessionBroken extends Error {}

const ERROR_FD = 3;

export class FsSession {
  private readonly reader: ByteReader;
  private readonly stdin: Writable;
  private readonly exited: Promise<number>;
  private readonly stdinGone: Promise<void>;
  private errText = '';
  private stderr = '';
  private failed = false;

  constructor(private readonly child: ChildProcess) {
    this.reader = new ByteReader(child.stdout!);
    this.stdin = child.stdin!;
    (child.stdio[ERROR_FD] as NodeJS.ReadableStream).on('data', (b: Buffer) => (this.errText += b.toString('utf8')));
    child.stderr!.on('data', (b: Buffer) => (this.stderr += b.toString('utf8')));
    this.exited = new Promise((resolve) => {
      child.on('error', (e) => {
        this.errText ||= `cannot start the helper: ${e.message}`;
        resolve(125);
      });
      child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 125)));
    });
    // A helper that died makes our writes fail (EPIPE): the reason comes from its exit.
    this.stdinGone = new Promise((resolve) => {
      this.stdin.on('error', () => resolve());
      this.stdin.on('close', () => resolve());
    });
  }

  private async write(data: string | Buffer): Promise<void> {
    if (this.stdin.destroyed || this.stdin.writableEnded) throw new SessionBroken();
    if (!this.stdin.write(data)) {
      await Promise.race([once(this.stdin, 'drain'), this.stdinGone]);
      if (this.stdin.destroyed) throw new SessionBroken();
    }
  }

  /** Why the helper stopped answering: its own message, else its status. */
  private async failure(): Promise<TscRunError> {
    this.failed = true;
    this.stdin.destroy();
    this.child.stdout?.destroy(); // unread answers would keep 'close' from coming
    const code = await this.exited;
    const known = helperFailure(code === 0 ? 125 : code, this.errText);
    if (known) return known;
    const extra = this.stderr.trim().split('\n').pop();
    return new HelperError(`tsc-run-helper fs exited with status ${code}${extra ? `: ${extra}` : ''}`);
  }

  private async answer(): Promise<string> {
    const line = await this.reader.line();
    if (line === undefined) throw await this.failure();
    return line;
  }

  private async request(line: string): Promise<void> {
    try {
      await this.write(line);
    } catch (err) {
      if (err instanceof SessionBroken) throw await this.failure();
      throw err;
    }
  }

  async stat(p: string): Promise<StatAnswer> {
    await this.request(`stat ${encodeField(p)}\n`);
    return parseStatAnswer(await this.answer());
  }

  /**
   * Entry records for a path: `get` (the path followed if a symlink, then
   * everything under it, with data), `list` (the same without data), or
   * `entry` (the path itself, not followed, with data).
   */
  async walk(kind: 'get' | 'list' | 'entry', p: string, visit: EntryVisitor): Promise<void> {
    await this.request(`${kind} ${encodeField(p)}\n`);
    for (;;) {
      const line = await this.answer();
      if (line === 'E') return;
      const { entry, xattrs } = parseHeader(line);
      for (let i = 0; i < xattrs; i++) entry.xattrs.push(parseXattrLine(await this.answer()));
      const size = entry.type === 'file' && kind !== 'list' ? entry.size : 0;
      let consumed = false;
      const data: EntryData = async (sink) => {
        if (consumed) throw new TscRunError(`the data of ${entry.path || '.'} was read twice`);
        consumed = true;
        await this.reader.bytes(size, sink);
      };
      await visit(entry, data);
      if (!consumed) await data(() => {});
    }
  }

  /** Create entries beneath `dir` (a container path); `overwrite` lets a file replace a directory and the reverse. */
  async put(dir: string, overwrite: boolean, items: AsyncIterable<PutItem> | Iterable<PutItem>): Promise<void> {
    try {
      await this.write(`put ${encodeField(dir)} ${overwrite ? 1 : 0}\n`);
      for await (const { entry, data } of items) {
        await this.write(encodeEntry(entry));
        if (entry.type !== 'file' || entry.size === 0) continue;
        if (data === undefined) throw new TscRunError(`no data for ${entry.path}`);
        let written = 0;
        for await (const chunk of Buffer.isBuffer(data) ? [data] : data) {
          written += chunk.length;
          if (written > entry.size) throw new TscRunError(`${entry.path}: more than the expected ${entry.size} bytes`);
          await this.write(chunk);
        }
        if (written !== entry.size) throw new TscRunError(`${entry.path}: ${written} bytes instead of the expected ${entry.size}`);
      }
      await this.write('E\n');
    } catch (err) {
      if (!(err instanceof SessionBroken)) {
        await this.abort();
        throw err;
      }
    }
    const line = await this.answer();
    if (line === 'ok') return;
    if (line.startsWith('error ')) {
      this.failed = true;
      throw new TscRunError(decodeField(line.slice('error '.length)));
    }
    throw new HelperError(`unexpected answer from tsc-run-helper fs: ${JSON.stringify(line)}`);
  }

  /** End the session; throws what the helper reported if it failed. */
  async close(): Promise<void> {
    if (this.failed) {
      this.stdin.destroy();
      this.child.stdout?.destroy();
      await this.exited;
      return;
    }
    this.child.stdout?.resume();
    if (!this.stdin.destroyed) this.stdin.end('quit\n');
    const code = await this.exited;
    const err = helperFailure(code === 0 ? 125 : code, this.errText);
    if (err) throw err;
    if (code !== 0) throw new HelperError(`tsc-run-helper fs exited with status ${code}`);
  }

  /** Stop the helper (after a failure of ours). */
  async abort(): Promise<void> {
    this.failed = true;
    this.stdin.destroy();
    this.child.stdout?.destroy();
    this.child.kill('SIGTERM');
    await this.exited;
  }
}

export function openFsSession(root: FsRoot): FsSession {
  const argv = [...namespaceArgs(root.userns), 'fs', ...root.args];
  const child = spawn(helperPath(), argv, { stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
  return new FsSession(child);
}

/** Open a session, run fn with it, close it (stopping the helper if fn failed). */
export async function withFsSession<T>(root: FsRoot, fn: (s: FsSession) => Promise<T>): Promise<T> {
  const s = openFsSession(root);
  let result: T;
  try {
    result = await fn(s);
  } catch (err) {
    await s.abort();
    throw err;
  }
  await s.close();
  return result;
}
