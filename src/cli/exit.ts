// The one place where errors become what the user sees: a single
// `Error: ...` line on stderr and Podman's exit code.

import { toSyslog } from './syslog.js';
import { ChildExit, ExitCode, FlagError, MultipleErrors, TscRunError, systemErrorText } from '../errors.js';

/** Print the error (if any) and return the process exit code. */
export function reportError(err: unknown, debug = false): number {
  if (err instanceof ChildExit) return err.code;
  if (err instanceof MultipleErrors && err.errors.length) {
    for (const e of err.errors) reportError(e, debug);
    return err.exitCode;
  }
  const code = err instanceof TscRunError ? err.exitCode : ExitCode.Engine;
  const msg = systemErrorText(err) ?? (err instanceof Error ? err.message : String(err));
  // One line: scripts grep stderr, and multi-line causes belong in --log-level=debug.
  const line = msg.replace(/\s*\n\s*/g, '; ');
  process.stderr.write(`Error: ${line}\n`);
  // cobra's hint, on its own line as podman prints it: the error line itself stays what podman's is.
  if (err instanceof FlagError) process.stderr.write(`See '${err.helpPath} --help'\n`);
  toSyslog('err', line);
  if (debug && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  return code;
}
