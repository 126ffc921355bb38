// Who runs the CLI under test. Tests started as root drive the CLI as the
// unprivileged account `tsctest` (made by scripts/setup-host.mjs), because a
// rootless engine must be proven without privileges; tests started by an
// ordinary user drive it as that user. Root is a second, explicit mode.

import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { runProcess, type ProcResult } from './proc.js';

export interface TestUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** The account tests switch to when they run as root. */
export const TEST_USER_NAME = 'tsctest';

export type As = 'user' | 'root';

export const STD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function isRoot(): boolean {
  return process.getuid!() === 0;
}

let cachedUser: TestUser | undefined;

/** The unprivileged user the CLI runs as: tsctest under root, else ourselves. */
export function testUser(): TestUser {
  if (cachedUser) return cachedUser;
  if (!isRoot()) {
    const me = os.userInfo();
    return (cachedUser = { name: me.username, uid: me.uid, gid: me.gid, home: me.homedir });
  }
  let line: string;
  try {
    line = execFileSync('getent', ['passwd', TEST_USER_NAME], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`test user ${TEST_USER_NAME} does not exist: run \`npm run setup-host\` as root`);
  }
  const [name, , uid, gid, , home] = line.split(':');
  return (cachedUser = { name: name!, uid: Number(uid), gid: Number(gid), home: home! });
}

export function rootUser(): TestUser {
  return { name: 'root', uid: 0, gid: 0, home: '/root' };
}

export function userFor(as: As): TestUser {
  if (as === 'user') return testUser();
  if (!isRoot()) throw new Error('root mode needs the tests to run as root (they run as an ordinary user here)');
  return rootUser();
}

/** A clean environment for `user`: nothing of the test process leaks in. */
export function cleanEnv(user: TestUser, extra: Record<string, string> = {}): Record<string, string> {
  return {
    HOME: user.home,
    PATH: STD_PATH,
    USER: user.name,
    LOGNAME: user.name,
    LANG: 'C.UTF-8',
    ...extra,
  };
}

export interface RunOptions {
  input?: string | Buffer | undefined;
  /** Added to (or overriding) the clean environment. */
  env?: Record<string, string> | undefined;
  cwd?: string | undefined;
  timeoutMs?: number | undefined;
}

/**
 * Run any command as `who` ('user' = the test user, 'root', or an explicit
 * account) with a clean environment. As root, switching to another account
 * goes through setpriv, which also drops every capability.
 */
export function runAs(who: As | TestUser, cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<ProcResult> {
  const user = typeof who === 'string' ? userFor(who) : who;
  const env = cleanEnv(user, opts.env);
  const me = process.getuid!();
  if (user.uid === me) return runProcess(cmd, args, { ...opts, env });
  if (me !== 0) throw new Error(`cannot run as ${user.name}: only root can switch users`);
  return runProcess(
    'setpriv',
    [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--', cmd, ...args],
    { ...opts, env },
  );
}
