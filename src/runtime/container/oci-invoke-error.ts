// podman's words when a container's command cannot be run (run, start,
// exec): the OCI runtime's message, then podman's own suffix naming the
// kind (define.ErrOCIRuntimeNotFound, ErrOCIRuntimePermissionDenied). Here
// compared with podman 4.3 over crun: `crun: executable file `X` not found
// in $PATH: No such file or directory: OCI runtime attempted to invoke a
// command that was not found` (127) and `crun: open executable: Permission
// denied: OCI permission denied` (126). The helper itself speaks Go's exec
// (what `unshare` prints, as podman's does); this turns it into the above,
// with our runtime's name.

import { CommandInvokeError } from '../../errors.js';
import { RUNTIME_NAME } from '../../host/engine-config.js';

export function ociInvokeError(err: unknown): unknown {
  if (!(err instanceof CommandInvokeError)) return err;
  const m = err.message;
  const notFound = /^exec: "(.*)": executable file not found in \$PATH$/s.exec(m) ?? (err.exitCode === 127 ? /^fork\/exec (.*): no such file or directory$/s.exec(m) : null);
  if (notFound) {
    return new CommandInvokeError(`${RUNTIME_NAME}: executable file \`${notFound[1]}\` not found in $PATH: No such file or directory: OCI runtime attempted to invoke a command that was not found`, true);
  }
  if (err.exitCode === 126 && /^fork\/exec .*: permission denied$/s.test(m)) {
    return new CommandInvokeError(`${RUNTIME_NAME}: open executable: Permission denied: OCI permission denied`, false);
  }
  return err;
}
