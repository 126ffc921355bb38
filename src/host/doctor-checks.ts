// `system doctor`: every host prerequisite as one check with a status, what
// was found and the command that fixes it. Pure: decisions over facts the
// caller gathered; rendering included.

import type { SubIdEntry } from './idmap.js';
import type { HostFacts as PreflightFacts, MapTool } from './preflight.js';
import type { CgroupFacts } from './cgroup-probe.js';
import type { NetworkFacts } from './network-backends.js';
import type { DriverChoice } from './storage-driver.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One line of the doctor's report; field names are the JSON keys of `--format json`. */
export interface DoctorCheck {
  Name: string;
  Status: CheckStatus;
  Detail: string;
  /** A shell command that fixes it; empty when nothing needs fixing. */
  Fix: string;
}

export function check(Name: string, Status: CheckStatus, Detail: string, Fix = ''): DoctorCheck {
  return { Name, Status, Detail, Fix };
}

/** A directory the engine writes to, as found on disk. */
export interface DirFacts {
  path: string;
  /** lstat of the path itself, when it exists. */
  stat?: { isDir: boolean; uid: number; mode: number; writable: boolean };
  /** Nearest existing ancestor and whether we may create entries in it (when path is missing). */
  ancestor?: { path: string; writable: boolean };
}

export interface DoctorFacts {
  user: string;
  uid: number;
  storage: { choice: DriverChoice } | { error: string };
  network: NetworkFacts;
  cgroup: CgroupFacts;
  /** $XDG_RUNTIME_DIR, if set, and what is there. */
  xdgRuntimeDir?: DirFacts;
  /** systemd-logind is running (it makes /run/user/UID). */
  logind: boolean;
  runRoot: DirFacts;
  dataRoot: DirFacts;
}

function sysctlCheck(name: string, value: number | undefined, good: (v: number) => boolean, want: number, what: string): DoctorCheck[] {
  if (value === undefined) return [];
  return [good(value) ? check(name, 'ok', `${value}`) : check(name, 'fail', `${value}: ${what}`, `sudo sysctl -w ${name}=${want}`)];
}

function mapToolCheck(name: string, tool: MapTool | undefined): DoctorCheck {
  if (!tool) return check(name, 'fail', 'not installed: rootless containers need it to map subordinate ids', 'sudo apt-get install uidmap');
  if (tool.setuid) return check(name, 'ok', `${tool.path} (setuid root)`);
  if (tool.fileCaps) return check(name, 'ok', `${tool.path} (file capabilities)`);
  if (tool.fileCaps === undefined) {
    return check(name, 'warn', `${tool.path} is not setuid and its file capabilities cannot be checked (getcap missing)`, 'sudo apt-get install libcap2-bin');
  }
  return check(name, 'fail', `${tool.path} has neither the setuid bit nor file capabilities`, `sudo chmod u+s ${tool.path}`);
}

/**
 * The first block of 65536 ids from 100000 up that no entry of /etc/subuid
 * or /etc/subgid covers: handing out a range another user holds would let
 * each of you reach the other's container files.
 */
export function freeSubIdRange(taken: readonly SubIdEntry[], count = 65536): { start: number; end: number } {
  let start = 100000;
  for (;;) {
    const clash = taken.find((r) => start < r.start + r.count && r.start < start + count);
    if (!clash) return { start, end: start + count - 1 };
    start = clash.start + clash.count;
  }
}

export function usermodFixFor(user: string, taken: readonly SubIdEntry[]): string {
  const r = freeSubIdRange(taken);
  return `sudo usermod --add-subuids ${r.start}-${r.end} --add-subgids ${r.start}-${r.end} ${user}`;
}

function subIdCheck(file: string, ranges: PreflightFacts['subuid'], user: string, taken: readonly SubIdEntry[]): DoctorCheck {
  const usermodFix = () => usermodFixFor(user, taken);
  if (!ranges.length) return check(file, 'fail', `no range for ${user}`, usermodFix());
  const total = ranges.reduce((n, r) => n + r.count, 0);
  const list = ranges.map((r) => `${r.start}-${r.start + r.count - 1}`).join(', ');
  if (total < 65536) {
    return check(file, 'warn', `${list}: only ${total} ids; images with files owned by ids above ${total} cannot be unpacked`, usermodFix());
  }
  return check(file, 'ok', `${user}: ${list} (${total} ids)`);
}

/**
 * User-namespace prerequisites, from runtime/preflight's facts; `taken` is
 * every entry of /etc/subuid and /etc/subgid, to propose a free range.
 */
export function usernsChecks(f: PreflightFacts, taken: readonly SubIdEntry[] = []): DoctorCheck[] {
  if (!f.initialUserNs) {
    return [
      f.usernsConfigured
        ? check('user namespace', 'ok', 'inside tsc-run/podman unshare: ids are already mapped')
        : check('user namespace', 'fail', 'running inside a user namespace tsc-run did not create (/proc/self/uid_map is not the identity map): nested rootless containers are not supported', 'run tsc-run on the host, or inside `tsc-run unshare`'),
    ];
  }
  if (f.euid === 0) return [check('user namespace', 'ok', 'running as root: no subordinate ids or newuidmap needed')];
  return [
    check('user namespace', 'ok', 'running in the host user namespace (not nested)'),
    ...sysctlCheck('user.max_user_namespaces', f.maxUserNamespaces, (v) => v > 0, 15000, 'user namespaces are disabled'),
    ...sysctlCheck('kernel.unprivileged_userns_clone', f.unprivilegedUsernsClone, (v) => v === 1, 1, 'unprivileged user namespaces are disabled'),
    ...sysctlCheck('kernel.apparmor_restrict_unprivileged_userns', f.apparmorRestrictsUserns, (v) => v === 0, 0, 'AppArmor blocks unprivileged user namespaces'),
    mapToolCheck('newuidmap', f.newuidmap),
    mapToolCheck('newgidmap', f.newgidmap),
    subIdCheck('/etc/subuid', f.subuid, f.user, taken),
    subIdCheck('/etc/subgid', f.subgid, f.user, taken),
  ];
}

export function storageCheck(s: DoctorFacts['storage']): DoctorCheck {
  const name = 'storage driver';
  if ('error' in s) {
    return check(name, 'fail', s.error, 'choose a supported driver: --storage-driver overlay (or vfs), or fix `driver` in storage.conf');
  }
  const c = s.choice;
  if (c.problem) return check(name, 'fail', c.problem.message, c.problem.fix ?? '');
  const what = c.mountProgram ? `overlay via ${c.mountProgram}` : c.driver;
  if (c.driver === 'vfs' && c.fix) return check(name, 'warn', `${what}: ${c.reason}`, c.fix);
  return check(name, 'ok', `${what}: ${c.reason}`);
}

export function networkChecks(n: NetworkFacts): DoctorCheck[] {
  const found = [n.pasta && `pasta (${n.pasta.executable})`, n.slirp4netns && `slirp4netns (${n.slirp4netns.executable})`].filter(Boolean);
  const backend =
    n.defaultNetwork === 'none'
      ? check('network backend', 'fail', 'neither pasta nor slirp4netns is installed: containers can only use --network none or host', 'sudo apt-get install passt')
      : check('network backend', 'ok', `${found.join(', ')}; default: ${n.defaultNetwork}`);
  const tun = n.devNetTunRW
    ? check('/dev/net/tun', 'ok', 'read-write for this user')
    : check('/dev/net/tun', 'fail', `not read-write for this user: ${n.defaultNetwork === 'none' ? 'pasta and slirp4netns need' : n.defaultNetwork + ' needs'} it inside the container's namespace`, 'sudo chmod 0666 /dev/net/tun');
  return [backend, tun];
}

const DELEGATE_FIX =
  "sudo mkdir -p /etc/systemd/system/user@.service.d && printf '[Service]\\nDelegate=cpu cpuset io memory pids\\n' | sudo tee /etc/systemd/system/user@.service.d/delegate.conf && sudo systemctl daemon-reload (then log in again)";
const UNIFIED_FIX =
  'boot with cgroup v2 only: add systemd.unified_cgroup_hierarchy=1 to GRUB_CMDLINE_LINUX in /etc/default/grub, then sudo update-grub && sudo reboot';

export function cgroupCheck(c: CgroupFacts, uid: number): DoctorCheck {
  const name = 'cgroup v2 delegation';
  if (c.delegation.delegated) return check(name, 'ok', c.delegation.detail);
  const why = `${c.delegation.detail}: --memory, --cpus and --pids-limit need a delegated cgroup v2 subtree; without one they are ignored with a warning`;
  if (uid === 0 && c.layout === 'unified') return check(name, 'warn', why);
  return check(name, 'warn', why, c.layout === 'unified' ? DELEGATE_FIX : UNIFIED_FIX);
}

function dirProblem(d: DirFacts, uid: number, user: string): { detail: string; fix: string } | undefined {
  if (d.stat) {
    if (!d.stat.isDir) return { detail: `${d.path} exists and is not a directory`, fix: `rm ${d.path}  # or pick another path` };
    if (!d.stat.writable || (uid !== 0 && d.stat.uid !== uid)) {
      return { detail: `${d.path} is not writable by ${user}`, fix: `sudo chown -R ${user} ${d.path}` };
    }
    return undefined;
  }
  if (d.ancestor && !d.ancestor.writable) {
    return { detail: `${d.path} does not exist and ${d.ancestor.path} is not writable by ${user}`, fix: `sudo install -d -o ${user} -m 0700 ${d.path}` };
  }
  return undefined;
}

export function runtimeDirChecks(f: DoctorFacts): DoctorCheck[] {
  const out: DoctorCheck[] = [];
  if (f.uid !== 0) {
    const name = 'XDG_RUNTIME_DIR';
    const x = f.xdgRuntimeDir;
    if (!x) {
      out.push(
        check(name, 'warn', `not set: runtime state goes to ${f.runRoot.path} instead (works, but is not cleaned up at logout)`, f.logind ? `sudo loginctl enable-linger ${f.user}  # then log in again` : ''),
      );
    } else {
      const p = dirProblem(x, f.uid, f.user);
      if (p) out.push(check(name, 'fail', p.detail, p.fix));
      else if (x.stat && (x.stat.mode & 0o077) !== 0) {
        out.push(check(name, 'warn', `${x.path} is accessible to other users (mode ${(x.stat.mode & 0o777).toString(8)})`, `chmod 0700 ${x.path}`));
      } else if (!x.stat) {
        out.push(check(name, 'fail', `${x.path} does not exist`, f.logind ? `sudo loginctl enable-linger ${f.user}  # then log in again` : `unset XDG_RUNTIME_DIR`));
      } else out.push(check(name, 'ok', x.path));
    }
  }
  const rp = dirProblem(f.runRoot, f.uid, f.user);
  out.push(rp ? check('runtime root', 'fail', rp.detail, rp.fix) : check('runtime root', 'ok', `${f.runRoot.path} is writable`));
  return out;
}

export function dataRootCheck(f: DoctorFacts): DoctorCheck {
  const p = dirProblem(f.dataRoot, f.uid, f.user);
  return p ? check('data root', 'fail', p.detail, p.fix) : check('data root', 'ok', `${f.dataRoot.path} is writable`);
}

/** The checks this module decides; user-namespace checks come from runtime/preflight. */
export function hostChecks(f: DoctorFacts): DoctorCheck[] {
  return [storageCheck(f.storage), ...networkChecks(f.network), cgroupCheck(f.cgroup, f.uid), ...runtimeDirChecks(f), dataRootCheck(f)];
}

const MARK: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗' };

export function doctorPassed(checks: readonly DoctorCheck[]): boolean {
  return checks.every((c) => c.Status !== 'fail');
}

/** Human output: one line per check, the fix indented under it, and a verdict last. */
export function renderDoctor(checks: readonly DoctorCheck[]): string {
  const lines: string[] = [];
  for (const c of checks) {
    lines.push(`${MARK[c.Status]} ${c.Name}: ${c.Detail}`);
    if (c.Fix && c.Status !== 'ok') lines.push(`    fix: ${c.Fix}`);
  }
  const failed = checks.filter((c) => c.Status === 'fail').length;
  const warned = checks.filter((c) => c.Status === 'warn').length;
  const warnings = warned ? ` (${warned} warning${warned > 1 ? 's' : ''})` : '';
  lines.push('');
  lines.push(
    failed
      ? `${failed} required check${failed > 1 ? 's' : ''} failed${warnings}: tsc-run cannot run containers here until fixed`
      : `All required checks passed${warnings}: tsc-run can run containers here`,
  );
  return lines.join('\n') + '\n';
}
