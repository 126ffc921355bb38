// podman unshare: run CMD (default $SHELL) as uid 0 of a user namespace
// built from the user's subuid/subgid ranges, so files owned by sub-ids in
// the stores can be inspected and changed. As root there is nothing to map:
// CMD runs in a new mount namespace only. Inside an unshare'd namespace
// already, CMD just runs, as podman does.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { constants } from 'node:os';
import { CommandInvokeError, TscRunError } from '../../errors.js';
import { runHelper } from '../../host/helper/helper.js';
import { hostUserNamespace, isIdentityMap } from '../../host/preflight.js';
import { findExecutable } from '../../host/executables.js';
import type { Roots } from '../../config/paths.js';

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

/** podman's words for a command that cannot be found (exit 127) or run (126). */
function notFound(cmd: string): CommandInvokeError {
  return new CommandInvokeError(cmd.includes('/') ? `exec: "${cmd}": no such file or directory` : `exec: "${cmd}": executable file not found in $PATH`, true);
}

/**
 * `unshare --rootless-netns`: CMD in the rootless network namespace of bridge networks (the
 * holder's user and net namespaces, docs/networking.md), as uid 0 there (the user), with
 * podman's unshare variables. The holder is started if none runs, and kept from its idle exit
 * while CMD runs (its busy file touched). Root has no such namespace: bridges are the host's.
 */
export async function runUnshareRootlessNetns(roots: Roots, cmd: string[]): Promise<number> {
  if (process.getuid!() === 0 || hostUserNamespace().kind !== 'rootless') {
    throw new TscRunError('--rootless-netns: there is no rootless network namespace as root (bridge networks are the host\'s)');
  }
  const argv = cmd.length ? cmd : [process.env.SHELL || '/bin/sh'];
  const exe = findExecutable(argv[0]!);
  if (!exe) throw notFound(argv[0]!);
  const { withNetns, netnsPaths, nsenterArgs, program } = await import('../../network/bridge/rootless-netns.js');
  const holder = await withNetns(roots, (h) => Promise.resolve(h));
  const busy = netnsPaths(roots.runRoot).busy;
  const keep = () => {
    const now = new Date();
    try {
      fs.utimesSync(busy, now, now);
    } catch {
      // the holder's directory went (system reset): nothing to keep
    }
  };
  keep();
  const timer = setInterval(keep, 2000);
  const env = {
    ...process.env,
    _CONTAINERS_USERNS_CONFIGURED: 'done',
    _CONTAINERS_ROOTLESS_UID: String(process.getuid!()),
    _CONTAINERS_ROOTLESS_GID: String(process.getgid!()),
  };
  try {
    return await new Promise<number>((resolve, reject) => {
      const child = spawn(program('nsenter', 'util-linux'), [...nsenterArgs(holder.pid), '--', exe, ...argv.slice(1)], { stdio: 'inherit', env });
      child.on('error', (e) => reject(new CommandInvokeError(`nsenter: ${e.message}`, false)));
      child.on('close', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
    });
  } finally {
    clearInterval(timer);
  }
}
