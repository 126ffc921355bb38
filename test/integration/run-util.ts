// Shared by the run-*.test.ts files (and others): the CLI as a live child
// process (for signals, timed input and kill -9), the CLI inside `script` (a
// real terminal), and looks at a container's record and processes.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cleanEnv, cliBinary, sharedUserDir, tscRun, tscRunOk, type Sandbox } from '../harness/index.js';

function env(sb: Sandbox): Record<string, string> {
  const o = sb.owner;
  return cleanEnv(o, { HOME: sb.home, XDG_RUNTIME_DIR: sb.xdgRuntime, XDG_CACHE_HOME: sharedUserDir('cache', o.uid, o.gid) });
}

function asOwner(sb: Sandbox, argv: readonly string[]): [string, string[]] {
  const o = sb.owner;
  return o.uid !== process.getuid!()
    ? ['setpriv', [`--reuid=${o.uid}`, `--regid=${o.gid}`, '--init-groups', '--', ...argv]]
    : [argv[0]!, argv.slice(1)];
}

/** The CLI's argv with the sandbox's roots. */
export function cliArgv(sb: Sandbox, args: readonly string[]): string[] {
  return [cliBinary().bin, '--root', sb.root, '--runroot', sb.runroot, ...args];
}

export interface Live {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (128+N for a signal). */
  exited: Promise<number>;
  /** Resolves once stdout contains text. */
  waitFor: (text: string, timeoutMs?: number) => Promise<void>;
}

/** Start a command as the sandbox's owner in its own process group, stdin a pipe. */
export function spawnLive(sb: Sandbox, argv: readonly string[]): Live {
  const [cmd, args] = asOwner(sb, argv);
  const child = spawn(cmd, args, { env: env(sb), cwd: sb.dir, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    for (const w of waiters.splice(0)) w();
  });
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  child.stdin.on('error', () => {});
  const exited = new Promise<number>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : signal === 'SIGINT' ? 2 : 0))),
  );
  const waitFor = (text: string, timeoutMs = 30_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${JSON.stringify(text)}; stdout: ${out}; stderr: ${err}`)), timeoutMs);
      const check = () => {
        if (out.includes(text)) {
          clearTimeout(timer);
          resolve();
        } else waiters.push(check);
      };
      check();
    });
  return { child, stdout: () => out, stderr: () => err, exited, waitFor };
}

const shq = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** `script` runs the shell line in a new pseudo-terminal; our stdin pipe is what is "typed". */
export function spawnInTerminal(sb: Sandbox, shellLine: string): Live {
  return spawnLive(sb, ['script', '-qec', shellLine, '/dev/null']);
}

/** A shell line running the CLI (for spawnInTerminal). */
export function cliLine(sb: Sandbox, args: readonly string[]): string {
  return cliArgv(sb, args).map(shq).join(' ');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface StoredState {
  status: string;
  pid?: number;
  pidStartTime?: number;
  monitor?: { pid: number; startTime: number };
  exitCode?: number;
  restartCount?: number;
}

export function readRecord(sb: Sandbox, id: string): { name: string; config: Record<string, unknown>; state: StoredState } {
  return JSON.parse(fs.readFileSync(path.join(sb.root, 'containers', id, 'container.json'), 'utf8'));
}

export function runtimeFile(sb: Sandbox, id: string, name: string): string {
  return path.join(sb.runroot, 'containers', id, name);
}

/** Whether pid is alive and started at startTime (field 22 of its stat). */
export function procAlive(pid: number | undefined, startTime: number | undefined): boolean {
  if (!pid) return false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return f[0] !== 'Z' && Number(f[22 - 3]) === startTime;
  } catch {
    return false;
  }
}

export function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]);
}

/** Poll until fn is true (or throw after timeoutMs). */
export async function until(fn: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

// The stores themselves come from the harness's fixture module; these names
// stay for files written against them.
export { busyboxStore as busyboxSandbox, disposeStore as disposeSandbox, removeAll } from '../harness/fixtures.js';

// `cli`/`ok` for a store made in beforeAll: the harness's (store-cli.ts).
export { sandboxCli } from '../harness/store-cli.js';

/**
 * Compose projects in a sandbox made later (in beforeAll): `projectDir`
 * writes a project's files under the sandbox and gives its directory;
 * `compose`/`composeOk` run `tsc-run compose ARGS` there.
 */
export function composeProjects(sandbox: () => Sandbox, timeoutMs = 120_000) {
  const projectDir = (name: string, files: Record<string, string>): string => {
    const sb = sandbox();
    for (const [f, text] of Object.entries(files)) sb.file(path.join(name, f), text);
    return path.join(sb.dir, name);
  };
  const compose = (dir: string, args: readonly string[]) => tscRun(['compose', ...args], { sandbox: sandbox(), cwd: dir, timeoutMs });
  const composeOk = (dir: string, args: readonly string[]) => tscRunOk(['compose', ...args], { sandbox: sandbox(), cwd: dir, timeoutMs });
  return { projectDir, compose, composeOk };
}

