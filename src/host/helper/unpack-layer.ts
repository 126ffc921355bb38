// Unpacking a layer: the (already decompressed) tar stream is written to the
// helper's `unpack` mode on a pipe, and the helper creates every entry once,
// with its final owner, mode, xattrs and time, inside the user namespace
// (helpers/src/unpack.c; rules in docs/storage.md). Node keeps the parts it
// does well: decompression and the diffID hash, upstream of this pipe.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { constants } from 'node:os';
import { HelperError, TscRunError } from '../../errors.js';
import { hostUserNamespace, type UserNamespacePlan } from '../preflight.js';
import { helperPath } from './helper-path.js';
import { helperFailure, namespaceArgs } from './helper.js';

const ERROR_FD = 3;
const REFUSAL = /^tsc-run-helper: (refusing layer entry .*)$/;

export interface UnpackOptions {
  /** Create character and block devices (real root only). */
  devices: boolean;
  userns?: UserNamespacePlan;
}

/** The error for the helper's own line: a refused entry is the user's message as it is. */
function failure(exitCode: number, errorText: string): TscRunError {
  const f = helperFailure(exitCode, errorText);
  if (!f) return new HelperError(`tsc-run-helper unpack exited with status ${exitCode}`);
  const refusal = REFUSAL.exec(f.message);
  return refusal ? new TscRunError(refusal[1]!) : f;
}

/**
 * Unpack `tar` into `root` (an existing, empty directory). Rejects with the
 * helper's error (a refused entry, a truncated archive, a full disk), or with
 * the input's own error, after stopping the helper; `root` may then hold a
 * partial tree, which the caller removes.
 */
export async function unpackLayer(root: string, tar: AsyncIterable<Uint8Array>, opts: UnpackOptions): Promise<void> {
  const argv = [...namespaceArgs(opts.userns ?? hostUserNamespace()), 'unpack', ...(opts.devices ? ['--devices'] : []), root];
  const child = spawn(helperPath(), argv, { stdio: ['pipe', 'ignore', 'pipe', 'pipe'] });
  const errFd: Buffer[] = [];
  (child.stdio[ERROR_FD] as NodeJS.ReadableStream).on('data', (b: Buffer) => errFd.push(b));
  // What fails before the helper owns its error fd (newuidmap, the namespace set-up) says so on stderr:
  // kept for the error when the error fd stays empty.
  const stderr: Buffer[] = [];
  child.stderr!.on('data', (b: Buffer) => stderr.length < 64 && stderr.push(b));
  const closed = new Promise<number>((resolve, reject) => {
    child.on('error', (e) => reject(new HelperError(`cannot start ${helperPath()}: ${e.message}`, undefined, { cause: e })));
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
  closed.catch(() => undefined);
  const stdin = child.stdin!;
  // The helper stopped reading (it failed): its own error says why.
  let broken = false;
  stdin.on('error', () => (broken = true));
  const gone = new Promise<void>((resolve) => stdin.once('close', resolve));
  try {
    for await (const chunk of tar) {
      if (broken) break;
      if (!stdin.write(chunk)) await Promise.race([once(stdin, 'drain').catch(() => undefined), gone]);
    }
  } catch (err) {
    // The input failed (a corrupt gzip stream): end the helper before anyone removes root.
    child.kill('SIGTERM');
    stdin.destroy();
    await closed.catch(() => undefined);
    throw err;
  }
  stdin.end();
  const exitCode = await closed;
  if (exitCode !== 0 || broken) throw failure(exitCode, Buffer.concat(errFd).toString('utf8') || Buffer.concat(stderr).toString('utf8'));
}
