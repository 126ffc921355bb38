// `generate systemd`: a container's systemd service unit, laid out as podman
// 4.3 writes it (pkg/systemd/generate), with our executable. Two kinds:
//   - plain: the unit starts and stops the existing container; systemd
//     follows its monitor through PIDFile (Type=forking);
//   - --new: the unit runs the container's own run/create command line again
//     (--rm, --replace, -d) and removes it when stopped.
// One deviation: podman's --new units are Type=notify with --sdnotify=conmon;
// our monitor does not send readiness, so ours are Type=forking too, with
// --conmon-pidfile naming the PIDFile (docs/architecture.md). Pure.

import { TscRunError } from '../../errors.js';

export interface UnitContainer {
  id: string;
  name: string;
  /** The run/create command line that made it (undefined: made otherwise, e.g. by compose or kube play). */
  createCommand: readonly string[] | undefined;
  /** The container's environment (for `-e NAME` forms of --new). */
  env: readonly string[];
  stopTimeout: number;
  restartPolicy: string;
  conmonPidFile: string;
}

export interface UnitOptions {
  /** The program, as systemd must run it (argv words). */
  executable: readonly string[];
  version: string;
  /** Where the container's runtime state lives (RequiresMountsFor=). */
  runRoot: string;
  useName: boolean;
  new: boolean;
  noHeader: boolean;
  containerPrefix: string;
  separator: string;
  restartPolicy: string | undefined;
  restartSec: number | undefined;
  startTimeout: number | undefined;
  stopTimeout: number | undefined;
  template: boolean;
  wants: readonly string[];
  after: readonly string[];
  requires: readonly string[];
  env: readonly string[];
  now: Date;
  /** A pod member's unit (generate systemd POD): bound to the pod's unit (and those of containers it --requires); with --new it joins the pod through its id file. */
  pod?: { bindsTo: readonly string[]; podIdFile: string } | undefined;
}

export const RESTART_POLICIES = ['no', 'on-success', 'on-failure', 'on-abnormal', 'on-watchdog', 'on-abort', 'always'];

/** systemd's quoting of one argument, as podman escapes it. */
export function escapeSystemdArg(arg: string): string {
  let a = arg.replace(/\$/g, '$$$$').replace(/%/g, '%%');
  if (/[ \t"]/.test(a)) a = JSON.stringify(a);
  else if (a.includes('\\')) a = a.replace(/\\/g, '\\\\');
  return a;
}

/** podman's layout: each word starting with `-` on a continuation line, values after their flag. */
export function formatOptions(words: readonly string[]): string {
  if (!words.length) return '';
  return words.slice(1).reduce((out, w) => out + (w.startsWith('-') ? ` \\\n\t${w}` : ` ${w}`), words[0]!);
}

/** Go's time.UnixDate: `Sat Dec  5 03:00:17 UTC 2026`. */
export function unixDate(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

// Flags of the container's own command line that the unit decides itself.
const DROPPED_WITH_VALUE = new Set(['--cgroups', '--cidfile', '--restart', '--conmon-pidfile', '--sdnotify']);
const DROPPED = new Set(['--rm']);
// Flags that take a value in a run/create command line, so their value is not mistaken for the image.
const VALUE_FLAGS_SHORT = new Set(['-a', '-c', '-e', '-h', '-l', '-m', '-p', '-u', '-v', '-w']);

/**
 * Split `run|create` arguments into flags and the image with its command,
 * and read the few flags the unit cares about.
 */
function splitCommand(args: readonly string[], valueFlags: ReadonlySet<string>): { flags: string[]; rest: string[] } {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return { flags: args.slice(0, i), rest: args.slice(i + 1) };
    if (!a.startsWith('-') || a === '-') return { flags: args.slice(0, i), rest: args.slice(i) };
    if (a.includes('=')) continue;
    if (valueFlags.has(a) || (VALUE_FLAGS_SHORT.has(a) && a.length === 2)) i++;
  }
  return { flags: [...args], rest: [] };
}

interface ParsedFlags {
  kept: string[];
  detach: boolean;
  name: boolean;
  replace: boolean;
  restart: string | undefined;
  envNames: string[];
}

// A pod member's --new unit names its pod by the pod unit's id file instead.
const POD_FLAGS = new Set(['--pod', '--pod-id-file', '--infra-conmon-pidfile']);

function readFlags(flags: readonly string[], valueFlags: ReadonlySet<string>, inPod: boolean): ParsedFlags {
  const out: ParsedFlags = { kept: [], detach: false, name: false, replace: false, restart: undefined, envNames: [] };
  for (let i = 0; i < flags.length; i++) {
    const a = flags[i]!;
    const eq = a.indexOf('=');
    const key = eq > 0 && a.startsWith('--') ? a.slice(0, eq) : a;
    const inline = eq > 0 && a.startsWith('--') ? a.slice(eq + 1) : undefined;
    const takes = valueFlags.has(key) || (VALUE_FLAGS_SHORT.has(key) && key.length === 2);
    const value = inline ?? (takes ? flags[i + 1] : undefined);
    const span = inline === undefined && takes ? [a, flags[i + 1]!] : [a];
    if (takes && inline === undefined) i++;
    if (DROPPED.has(key) || a.startsWith('--rm=')) continue;
    if (inPod && POD_FLAGS.has(key)) continue;
    if (DROPPED_WITH_VALUE.has(key)) {
      if (key === '--restart') out.restart = value;
      continue;
    }
    if (key === '-d' || key === '--detach') {
      if (a === '-d=false' || a === '--detach=false') continue;
      out.detach = true;
    }
    if (key === '--name') out.name = true;
    if (key === '--replace') {
      if (a === '--replace=false') continue;
      out.replace = true;
    }
    if ((key === '-e' || key === '--env') && value !== undefined && !value.includes('=')) out.envNames.push(value);
    out.kept.push(...span);
  }
  return out;
}

/** The unit's name (without `.service`) and the name or id it acts on. */
export function unitNames(c: UnitContainer, o: Pick<UnitOptions, 'useName' | 'containerPrefix' | 'separator'>): { service: string; target: string } {
  const target = o.useName ? c.name : c.id;
  return { service: o.containerPrefix ? `${o.containerPrefix}${o.separator}${target}` : target, target };
}

/** The unit file text for one container; `warn` hears podman's warnings. */
export function containerUnit(c: UnitContainer, o: UnitOptions, valueFlags: ReadonlySet<string>, warn: (msg: string) => void): { service: string; text: string } {
  if (o.restartPolicy !== undefined && !RESTART_POLICIES.includes(o.restartPolicy)) throw new TscRunError(`${o.restartPolicy} is not a valid restart policy`);
  if (o.template && !o.new) throw new TscRunError('--template cannot be set with --new=false');
  const { service, target } = unitNames(c, o);
  const stopTimeout = o.stopTimeout ?? c.stopTimeout;
  // The global flags the container was made with (--root, --runroot, ...) find its store again.
  const runAt = c.createCommand?.findIndex((a) => a === 'run' || a === 'create') ?? -1;
  const rootFlags = runAt > 0 ? c.createCommand!.slice(1, runAt) : [];
  const exe = [...o.executable, ...rootFlags].map(escapeSystemdArg);
  let restart = o.restartPolicy ?? 'on-failure';
  let startLimitBurst: string | undefined;
  const extraEnvs: string[] = [];
  const lines: string[] = [];
  let execStartPre: string | undefined;
  let execStart: string;
  let execStop: string;
  let execStopPost: string;
  let pidFile: string;
  const runRoot = o.runRoot;

  if (!o.new) {
    if (c.restartPolicy !== 'no' && c.restartPolicy !== '') {
      warn(`Container ${c.id} has restart policy "${c.restartPolicy}" which can lead to issues on shutdown: consider recreating the container without a restart policy and use systemd's restart mechanism instead`);
    }
    execStart = [...exe, 'start', target].join(' ');
    execStop = formatOptions([...exe, 'stop', '', '-t', String(stopTimeout), target].join(' ').split(' '));
    execStopPost = execStop;
    pidFile = c.conmonPidFile;
  } else {
    if (!c.createCommand) throw new TscRunError(`cannot use --new on container "${c.id}": no create command found: only works on containers created directly with run or create`);
    const index = runAt + 1;
    if (index <= 0) throw new TscRunError(`container's create command is too short or invalid: [${c.createCommand.join(' ')}]`);
    const { flags, rest } = splitCommand(c.createCommand.slice(index), valueFlags);
    const f = readFlags(flags, valueFlags, o.pod !== undefined);
    if (f.restart !== undefined && o.restartPolicy === undefined) {
      const [policy, burst] = f.restart.split(':');
      restart = policy === 'unless-stopped' ? 'always' : policy!;
      if (policy === 'on-failure' && burst !== undefined) startLimitBurst = burst;
    }
    for (const n of f.envNames) for (const kv of c.env) if (kv.split('=')[0] === n) extraEnvs.push(escapeSystemdArg(kv));
    // The container's own words are escaped for systemd; the unit's specifiers (%t, %n, %i) are not.
    const esc = (ws: readonly string[]) => ws.map(escapeSystemdArg);
    const startCommand = [...exe, 'run', '--cidfile=%t/%n.ctr-id', '--conmon-pidfile=%t/%n.pid', '--cgroups=no-conmon', '--rm'];
    if (o.pod) startCommand.push('--pod-id-file', o.pod.podIdFile);
    if (!f.detach) startCommand.push('-d');
    if (f.name && !f.replace) startCommand.push('--replace');
    const own = esc(f.kept);
    if (o.template) {
      const at = own.findIndex((w) => w === '--name' || w.startsWith('--name='));
      if (at < 0) startCommand.push(`--name=${service}-%i`);
      else if (own[at] === '--name') own[at + 1] = `${own[at + 1]}-%i`;
      else own[at] = `${own[at]}-%i`;
    }
    startCommand.push(...own, ...esc(rest));
    execStartPre = formatOptions(['/bin/rm', '-f', '%t/%n.ctr-id', '%t/%n.pid']);
    execStart = formatOptions(startCommand);
    // podman folds these before filling in the timeout, so `-t N` stays on --ignore's line.
    execStop = `${formatOptions([...exe, 'stop', '--ignore'])} -t ${stopTimeout} \\\n\t--cidfile=%t/%n.ctr-id`;
    execStopPost = `${formatOptions([...exe, 'rm', '-f', '--ignore'])} -t ${stopTimeout} \\\n\t--cidfile=%t/%n.ctr-id`;
    pidFile = '%t/%n.pid';
  }

  lines.push(`# ${service}${o.template ? '@' : ''}.service`);
  if (!o.noHeader) lines.push(`# autogenerated by tsc-run ${o.version}`, `# ${unixDate(o.now)}`);
  lines.push(
    '',
    '[Unit]',
    `Description=tsc-run ${service}.service${o.template ? ' for %I' : ''}`,
    'Wants=network-online.target',
    'After=network-online.target',
    `RequiresMountsFor=${runRoot}`,
  );
  if (o.pod) {
    const services = o.pod.bindsTo.map((s) => `${s}.service`).join(' ');
    lines.push(`BindsTo=${services}`, `After=${services}`);
  }
  if (o.wants.length || o.after.length || o.requires.length) lines.push('', '# User-defined dependencies');
  if (o.wants.length) lines.push(`Wants=${o.wants.join(' ')}`);
  if (o.after.length) lines.push(`After=${o.after.join(' ')}`);
  if (o.requires.length) lines.push(`Requires=${o.requires.join(' ')}`);
  lines.push('', '[Service]', `Environment=PODMAN_SYSTEMD_UNIT=%n${o.template ? '-%i' : ''}`);
  if (extraEnvs.length) lines.push(`Environment=${extraEnvs.join(' ')}`);
  for (const e of o.env) lines.push(`Environment=${escapeSystemdArg(e)}`);
  lines.push(`Restart=${restart}`);
  if (o.restartSec !== undefined) lines.push(`RestartSec=${o.restartSec}`);
  if (startLimitBurst !== undefined) lines.push(`StartLimitBurst=${startLimitBurst}`);
  if (o.startTimeout) lines.push(`TimeoutStartSec=${o.startTimeout}`);
  lines.push(`TimeoutStopSec=${60 + stopTimeout}`);
  if (execStartPre) lines.push(`ExecStartPre=${execStartPre}`);
  lines.push(`ExecStart=${execStart}`, `ExecStop=${execStop}`, `ExecStopPost=${execStopPost}`, `PIDFile=${pidFile}`, 'Type=forking', '', '[Install]', 'WantedBy=default.target', '');
  return { service, text: lines.join('\n') };
}
