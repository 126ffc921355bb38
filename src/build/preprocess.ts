// A Containerfile whose name ends in `.in` goes through the C preprocessor
// first, as buildah (podman 4.3) does: `cpp -E -iquote CONTEXT -traditional
// -undef - $BUILDAH_CPPFLAGS --cpp-flag...`, the file on its stdin, in our
// working directory. cpp's complaints are a warning when it still wrote
// something (buildah goes on with what it wrote); with no output the build
// fails with cpp's exit status, as podman's does.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ShellSplitError, shellSplit } from '../compose/shell-split.js';
import { TscRunError, errnoText } from '../errors.js';

export interface PreprocessOptions {
  /** The file's name as the build opened it (errors cite it). */
  name: string;
  text: Buffer;
  contextDir: string;
  /** --cpp-flag values, in order. */
  cppFlags: readonly string[];
  env: NodeJS.ProcessEnv;
  warn: (msg: string) => void;
}

/** `.in` files are preprocessed; `-` (stdin) never is. */
export function wantsPreprocessing(file: string): boolean {
  return file.endsWith('.in');
}

function lookPath(cmd: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(':')) {
    const p = path.join(dir || '.', cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** cpp's argv after its path: buildah's fixed flags, then BUILDAH_CPPFLAGS' words, then --cpp-flag's. */
export function cppArgs(contextDir: string, cppFlags: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const args = ['-E', '-iquote', contextDir, '-traditional', '-undef', '-'];
  const extra = env.BUILDAH_CPPFLAGS;
  if (extra !== undefined) {
    try {
      args.push(...shellSplit(extra));
    } catch (err) {
      if (err instanceof ShellSplitError) throw new TscRunError(`parsing BUILDAH_CPPFLAGS ${JSON.stringify(extra)}: invalid command line string`);
      throw err;
    }
  }
  return [...args, ...cppFlags];
}

export async function preprocessContainerfile(o: PreprocessOptions): Promise<string> {
  const cpp = lookPath('cpp', o.env);
  if (cpp === undefined) throw new TscRunError('exec: "cpp": executable file not found in $PATH: .in support requires cpp to be installed');
  const args = cppArgs(o.contextDir, o.cppFlags, o.env);
  const out: Buffer[] = [];
  const errOut: Buffer[] = [];
  const status = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    const child = spawn(cpp, args, { stdio: ['pipe', 'pipe', 'pipe'], env: o.env });
    child.on('error', (err) => reject(new TscRunError(`preprocessing ${o.name}: ${errnoText(err)}`)));
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => errOut.push(c));
    // cpp may stop reading early (a bad flag): its exit status says why, not EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(o.text);
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  const stdout = Buffer.concat(out);
  if (status.code !== 0) {
    const stderr = Buffer.concat(errOut).toString('utf8');
    // podman's warning keeps both newlines (cpp's and its own).
    if (stderr.length) o.warn(`Ignoring ${stderr}\n\n`);
    if (stdout.length === 0) {
      const why = status.signal !== null ? `signal: ${signalText(status.signal)}` : `exit status ${status.code}`;
      // podman exits with the preprocessor's status.
      throw new TscRunError(`preprocessing ${o.name}: preprocessor produced no output: ${why}`, status.code ?? 125);
    }
  }
  return stdout.toString('utf8');
}

function signalText(sig: NodeJS.Signals): string {
  const words: Partial<Record<NodeJS.Signals, string>> = { SIGKILL: 'killed', SIGTERM: 'terminated', SIGSEGV: 'segmentation fault', SIGABRT: 'aborted', SIGINT: 'interrupt' };
  return words[sig] ?? sig;
}
