// poststop hooks: run once after the container's process is gone, by
// whoever folds its exit first (cleanup, a foreground run's end, rm), as
// podman runs them from its cleanup. The record is claimed by a rename, so
// two racing folds never run them twice. A failing hook is a warning
// (podman's words), never an error of the command.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { logEnabled, logrusLine } from '../../format/log.js';
import { POSTSTOP_FILE, type PoststopRecord } from './container-hooks.js';

/** A warning on stderr as the CLI's (logrus' text line). */
export function stderrWarning(msg: string): void {
  if (logEnabled('warning')) process.stderr.write(logrusLine('warning', msg, { terminal: process.stderr.isTTY === true, now: new Date() }));
}

/** podman's DefaultPostKillTimeout: how long a killed hook may take to go. */
const POST_KILL_MS = 10_000;

function runHook(rec: PoststopRecord, i: number, warn: (msg: string) => void): Promise<void> {
  const h = rec.hooks[i]!;
  const argv = h.args?.length ? h.args : [h.path];
  const what = `executing [${argv.join(' ')}]`;
  return new Promise((resolve) => {
    let cwd: string | undefined = rec.cwd;
    if (!fs.existsSync(cwd)) cwd = '/';
    const child = spawn(h.path, argv.slice(1), { argv0: argv[0], env: Object.fromEntries((h.env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])), cwd, stdio: ['pipe', 'ignore', 'ignore'] });
    let timer: NodeJS.Timeout | undefined;
    let killed = false;
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      warn(`Container ${rec.id}: poststop hook ${i}: fork/exec ${h.path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : err.message}`);
      resolve();
    });
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (killed) warn(`Container ${rec.id}: poststop hook ${i}: context deadline exceeded`);
      else if (code !== 0) warn(`Container ${rec.id}: poststop hook ${i}: ${what}: ${signal ? `signal: ${signal === 'SIGKILL' ? 'killed' : signal}` : `exit status ${code}`}`);
      resolve();
    });
    child.stdin.on('error', () => undefined); // a hook that does not read its state
    child.stdin.end(JSON.stringify(rec.state));
    if (h.timeout && h.timeout > 0) {
      timer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
        timer = setTimeout(() => resolve(), POST_KILL_MS);
      }, h.timeout * 1000);
    }
  });
}

/** Run the poststop hooks recorded in runtimeDir, if any are left to run. */
export async function runPoststopHooks(runtimeDir: string, warn: (msg: string) => void = stderrWarning): Promise<void> {
  const file = path.join(runtimeDir, POSTSTOP_FILE);
  const claimed = `${file}.${process.pid}`;
  try {
    fs.renameSync(file, claimed);
  } catch {
    return; // none, or another process runs them
  }
  let rec: PoststopRecord;
  try {
    rec = JSON.parse(fs.readFileSync(claimed, 'utf8')) as PoststopRecord;
  } catch {
    fs.rmSync(claimed, { force: true });
    return;
  }
  for (let i = 0; i < rec.hooks.length; i++) await runHook(rec, i, warn);
  fs.rmSync(claimed, { force: true });
}
