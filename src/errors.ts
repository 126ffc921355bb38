// Typed errors. Every module throws one of these; src/cli/exit.ts is the only
// place that turns them into an `Error: ...` line and a Podman exit code.

/** Podman's exit codes for failures of the engine itself. */
export const ExitCode = {
  Engine: 125,
  CannotInvoke: 126,
  NotFound: 127,
} as const;

/** Base class: a message meant for the user and the exit code to use. */
export class TscRunError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = ExitCode.Engine, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Bad flags, bad arguments, unknown command: the user's input is wrong. */
export class UsageError extends TscRunError {}

/** A flag cobra would reject (unknown, or without its value): podman adds `See 'podman CMD --help'` under the error. */
export class FlagError extends UsageError {
  constructor(
    message: string,
    readonly helpPath: string,
  ) {
    super(message);
  }
}

/** A named object (image, container, volume, ...) does not exist. */
export class NoSuchObjectError extends TscRunError {
  constructor(kind: string, name: string) {
    super(`no such ${kind}: ${name}`);
  }
}

/** The host lacks something the engine needs (subuid entry, newuidmap, userns...). */
export class HostPrerequisiteError extends TscRunError {
  /** A shell command that fixes it, when there is one. */
  readonly fix: string | undefined;
  constructor(message: string, fix?: string) {
    super(fix ? `${message} (fix: ${fix})` : message);
    this.fix = fix;
  }
}

/** A lock could not be taken in time; names the process holding it. */
export class LockTimeoutError extends TscRunError {
  constructor(readonly lockPath: string, readonly holderPid: number | undefined, timeoutMs: number) {
    super(
      `timed out after ${timeoutMs}ms waiting for lock ${lockPath}` +
        (holderPid ? ` held by pid ${holderPid}` : ''),
    );
  }
}

/** On-disk state that cannot be parsed or violates an invariant. */
export class StateCorruptError extends TscRunError {}

/** The helper failed before the command inside it could run. */
export class HelperError extends TscRunError {}

/** The command given to run/exec/unshare could not be executed (126) or found (127). */
export class CommandInvokeError extends TscRunError {
  constructor(message: string, notFound: boolean) {
    super(message, notFound ? ExitCode.NotFound : ExitCode.CannotInvoke);
  }
}

/**
 * Several failures of one command that acts on many objects (`rm a b c`):
 * podman prints each as its own `Error:` line and exits with the last one's
 * code.
 */
export class MultipleErrors extends TscRunError {
  constructor(readonly errors: readonly TscRunError[]) {
    super(errors.map((e) => e.message).join('; '), errors[errors.length - 1]?.exitCode ?? ExitCode.Engine);
  }
}

/**
 * Not a failure of the engine: the container (or unshare'd command) exited
 * with this code and the CLI must exit with it, printing nothing.
 */
export class ChildExit extends Error {
  constructor(readonly code: number) {
    super(`child exited with ${code}`);
    this.name = 'ChildExit';
  }
}

const ERRNO_TEXT: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  EEXIST: 'file exists',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  ENOTEMPTY: 'directory not empty',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EBUSY: 'device or resource busy',
  EMFILE: 'too many open files',
  ELOOP: 'too many levels of symbolic links',
  EXDEV: 'invalid cross-device link',
  EIO: 'input/output error',
};
const GO_OP: Record<string, string> = { scandir: 'open', opendir: 'open', unlink: 'remove', rmdir: 'remove', rm: 'remove' };

/**
 * A Node system error (`EACCES: permission denied, scandir '/x'`) as Go
 * words it (`open /x: permission denied`), which is what podman users read;
 * undefined for anything else.
 */
export function systemErrorText(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const e = err as NodeJS.ErrnoException & { dest?: unknown };
  if (typeof e.code !== 'string' || typeof e.syscall !== 'string' || !/^E[A-Z]+$/.test(e.code)) return undefined;
  const text = ERRNO_TEXT[e.code] ?? e.code;
  const op = GO_OP[e.syscall] ?? e.syscall;
  if (typeof e.path !== 'string') return `${op}: ${text}`;
  return typeof e.dest === 'string' ? `${op} ${e.path} ${e.dest}: ${text}` : `${op} ${e.path}: ${text}`;
}

/** The errno part alone (`permission denied`), for messages that name the operation and path themselves. */
export function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && ERRNO_TEXT[code] !== undefined) return ERRNO_TEXT[code];
  return err instanceof Error ? err.message : String(err);
}

/** Any error's text for wrapping in another message: Go's wording for a Node system error. */
export function errorText(err: unknown): string {
  return systemErrorText(err) ?? (err instanceof Error ? err.message : String(err));
}
