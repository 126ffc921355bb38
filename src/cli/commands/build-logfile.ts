// build --logfile FILE: podman writes everything the build prints (steps,
// RUN output, pull progress, the image id, the error) to FILE and nothing to
// the terminal. The simplest faithful way: run the same command again
// without --logfile, its stdout and stderr being FILE (RUN steps' output goes
// there too, since the step containers inherit them).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { ChildExit, TscRunError, errnoText } from '../../errors.js';

/** The command line without its --logfile flag (`--logfile F` or `--logfile=F`). */
export function withoutLogfile(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return [...out, ...args.slice(i)];
    if (a.startsWith('--logfile=')) continue;
    if (a === '--logfile') {
      i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/** Run this build again with stdout and stderr in `file` (created 0600, truncated); throws ChildExit with its exit code. */
export async function rerunIntoLogfile(file: string): Promise<never> {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC, 0o600);
  } catch (err) {
    throw new TscRunError(`opening logfile ${JSON.stringify(file)}: open ${file}: ${errnoText(err)}`);
  }
  const { isSea } = await import('node:sea');
  const self = isSea() ? [] : [...process.execArgv, '--', process.argv[1]!];
  const child = spawn(process.execPath, [...self, ...withoutLogfile(process.argv.slice(2))], { stdio: ['inherit', fd, fd] });
  fs.closeSync(fd);
  // The terminal's signals reach the child (same process group); the build's own handling stops it.
  const ignore = () => {};
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, ignore);
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (c, sig) => resolve(c ?? 128 + (sig ? os.constants.signals[sig] : 0)));
  });
  throw new ChildExit(code);
}
