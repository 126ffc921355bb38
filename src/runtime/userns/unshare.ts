// podman unshare: run CMD (default $SHELL) as uid 0 of a user namespace
// built from the user's subuid/subgid ranges, so files owned by sub-ids in
// the stores can be inspected and changed. As root there is nothing to map:
// CMD runs in a new mount namespace only. Inside an unshare'd namespace
// already, CMD just runs, as podman does.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { constants } from 'node:os';
import { CommandInvokeError } from '../../errors.js';
import { runHelper } from '../../host/helper/helper.js';
import { hostUserNamespace, isIdentityMap } from '../../host/preflight.js';

function insideConfiguredNamespace(): boolean {
  if (!process.env._CONTAINERS_USERNS_CONFIGURED) return false;
  try {
    return !isIdentityMap(fs.readFileSync('/proc/self/uid_map', 'utf8'));
  } catch {
    return false;
  }
}

/** Already inside: run CMD as a plain child, mapping spawn failures like the helper does. */
function runDirectly(cmd: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0]!, cmd.slice(1), { stdio: 'inherit' });
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') {
        const msg = cmd[0]!.includes('/') ? `exec: "${cmd[0]}": no such file or directory` : `exec: "${cmd[0]}": executable file not found in $PATH`;
        reject(new CommandInvokeError(msg, true));
      } else {
        reject(new CommandInvokeError(`fork/exec ${cmd[0]}: ${e.message}`, false));
      }
    });
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}

/** Run CMD (empty: the user's shell) in the user's namespace; returns its exit code. */
export async function runUnshare(cmd: string[]): Promise<number> {
  if (insideConfiguredNamespace()) return runDirectly(cmd.length ? cmd : [process.env.SHELL || '/bin/sh']);
  const userns = hostUserNamespace();
  const env = { ...process.env };
  if (userns.kind === 'rootless') {
    // podman unshare exports these for scripts run inside.
    env._CONTAINERS_ROOTLESS_UID = String(process.getuid!());
    env._CONTAINERS_ROOTLESS_GID = String(process.getgid!());
  }
  const r = await runHelper({ mode: 'unshare', args: cmd.length ? ['--', ...cmd] : [], userns, stdio: 'inherit', env });
  return r.exitCode;
}
