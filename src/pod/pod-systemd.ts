// `generate systemd POD`: one unit for the pod and one per member, laid out
// as podman 4.3 writes them (pkg/systemd/generate/pods.go). The pod's unit
// is the main service: systemd follows its infra's monitor (PIDFile) and it
// Wants= every member's unit, which is BindsTo= it. Plain units start and
// stop the existing infra; --new units make the pod again from its own
// `pod create` command line (and remove it on stop), each member joining it
// through the pod unit's id file. Member units come from the container unit
// writer (src/runtime/views/systemd-unit.ts). podPlainUnit/podNewUnit are pure.

import type { Roots } from '../config/paths.js';
import { TscRunError } from '../errors.js';
import { escapeSystemdArg, formatOptions, RESTART_POLICIES, unixDate, containerUnit, unitNames } from '../runtime/views/systemd-unit.js';
import type { GenerateOptions } from '../runtime/views/generate-systemd.js';
import { ContainerStore, type ContainerRecord } from '../storage/containers.js';
import type { PodRecord } from './pod-store.js';
import { PodStore } from './pod-store.js';

export interface PodUnitInfo {
  /** The pod unit's name, without `.service`. */
  service: string;
  /** The infra container's name or id (as the unit acts on it). */
  infra: string;
  /** The infra monitor's pid file (plain units). */
  infraPidFile: string;
  stopTimeout: number;
  createCommand: readonly string[];
  /** The members' unit names, without `.service`. */
  members: readonly string[];
}

export interface PodUnitOptions {
  executable: readonly string[];
  version: string;
  runRoot: string;
  now: Date;
  noHeader: boolean;
  new: boolean;
  restartPolicy: string | undefined;
  restartSec: number | undefined;
}

/** The pod unit's name: podman's getServiceName (no separator without a prefix). */
export function podServiceName(prefix: string, separator: string, nameOrId: string): string {
  return prefix ? `${prefix}${separator}${nameOrId}` : nameOrId;
}

/** The pod unit's id and pid files under systemd's %t (--new). */
export function podUnitFiles(service: string): { pidFile: string; podIdFile: string } {
  return { pidFile: `%t/${service}.pid`, podIdFile: `%t/${service}.pod-id` };
}

// podman's filterPodFlags: the unit names these itself.
const POD_FILE_FLAGS = new Set(['--pod', '--pod-id-file', '--infra-conmon-pidfile']);

function withoutPodFileFlags(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (POD_FILE_FLAGS.has(a)) {
      i++;
      continue;
    }
    if ([...POD_FILE_FLAGS].some((f) => a.startsWith(`${f}=`))) continue;
    out.push(a);
  }
  return out;
}

/** The global flags before the command that made the pod (`pod create`, `kube play`, `run --pod new:`). */
export function rootFlagsOf(cmd: readonly string[]): string[] {
  const at = cmd.findIndex((w, i) => i > 0 && ['pod', 'kube', 'play', 'run', 'create', 'container'].includes(w));
  return at > 0 ? cmd.slice(1, at) : [];
}

/** The `pod create` command line a --new unit runs: podman's hard-coded head, then the pod's own flags. */
export function podCreateLine(info: Pick<PodUnitInfo, 'createCommand' | 'service'>, executable: readonly string[]): { rootFlags: string[]; words: string[] } {
  const cmd = info.createCommand;
  let at = 0;
  for (let i = 1; i < cmd.length; i++) {
    if (cmd[i - 1] === 'pod' && cmd[i] === 'create') {
      at = i;
      break;
    }
  }
  if (cmd.length < 3 || at === 0) throw new TscRunError(`pod does not appear to be created via \`tsc-run pod create\`: [${cmd.join(' ')}]`);
  const rootFlags = cmd.slice(1, at - 1).map(escapeSystemdArg);
  let args = withoutPodFileFlags(cmd.slice(at + 1));
  const named = args.some((a) => a === '--name' || a.startsWith('--name=') || a === '-n');
  const replace = args.some((a) => a === '--replace' || a === '--replace=true');
  if (named && !replace) args = [...args.filter((a) => a !== '--replace=false'), '--replace'];
  const { pidFile, podIdFile } = podUnitFiles(info.service);
  const words = [...executable, ...rootFlags, 'pod', 'create', '--infra-conmon-pidfile', pidFile, '--pod-id-file', podIdFile];
  // A pod whose containers have all exited is stopped, so systemd sees the service end (podman's default for units).
  if (!args.some((a) => a === '--exit-policy' || a.startsWith('--exit-policy='))) words.push('--exit-policy=stop');
  words.push(...args.map(escapeSystemdArg));
  return { rootFlags, words };
}

/** The pod unit's text. */
export function podUnit(info: PodUnitInfo, o: PodUnitOptions): string {
  if (o.restartPolicy !== undefined && !RESTART_POLICIES.includes(o.restartPolicy)) throw new TscRunError(`${o.restartPolicy} is not a valid restart policy`);
  const exe = o.executable.map(escapeSystemdArg);
  const t = info.stopTimeout;
  const pre: string[] = [];
  let execStart: string;
  let execStop: string;
  let execStopPost: string;
  let pidFile: string;
  if (!o.new) {
    // As tsc-run's container units: the global flags the pod was made with (--root, ...) find it again.
    exe.push(...rootFlagsOf(info.createCommand).map(escapeSystemdArg));
    execStart = [...exe, 'start', info.infra].join(' ');
    // podman's template leaves an empty word where a flag could go: `stop  \` then `-t N name`.
    execStop = formatOptions([...exe, 'stop', '', '-t', String(t), info.infra].join(' ').split(' '));
    execStopPost = execStop;
    pidFile = info.infraPidFile;
  } else {
    const { rootFlags, words } = podCreateLine(info, exe);
    const { podIdFile } = podUnitFiles(info.service);
    const head = [...exe, ...rootFlags].join(' ');
    const files = podUnitFiles(info.service);
    pre.push(formatOptions(['/bin/rm', '-f', files.pidFile, files.podIdFile]), formatOptions(words));
    execStart = `${head} pod start \\\n\t--pod-id-file ${podIdFile}`;
    execStop = `${head} pod stop \\\n\t--ignore \\\n\t--pod-id-file ${podIdFile}  \\\n\t-t ${t}`;
    execStopPost = `${head} pod rm \\\n\t--ignore \\\n\t-f \\\n\t--pod-id-file ${podIdFile}`;
    pidFile = files.pidFile;
  }
  const members = [...info.members].sort().map((m) => `${m}.service`).join(' ');
  const lines = [`# ${info.service}.service`];
  if (!o.noHeader) lines.push(`# autogenerated by tsc-run ${o.version}`, `# ${unixDate(o.now)}`);
  // podman 4.3 does not hand --wants/--after/--requires to the pod's own unit, only to its members'.
  lines.push('', '[Unit]', `Description=tsc-run ${info.service}.service`, 'Wants=network-online.target', 'After=network-online.target', `RequiresMountsFor=${o.runRoot}`, `Wants=${members}`, `Before=${members}`);
  lines.push('', '[Service]', 'Environment=PODMAN_SYSTEMD_UNIT=%n', `Restart=${o.restartPolicy ?? 'on-failure'}`);
  if (o.restartSec) lines.push(`RestartSec=${o.restartSec}`);
  lines.push(`TimeoutStopSec=${60 + t}`);
  for (const p of pre) lines.push(`ExecStartPre=${p}`);
  lines.push(`ExecStart=${execStart}`, `ExecStop=${execStop}`, `ExecStopPost=${execStopPost}`, `PIDFile=${pidFile}`, 'Type=forking', '', '[Install]', 'WantedBy=default.target', '');
  return lines.join('\n');
}

export type PodGenerateOptions = Omit<GenerateOptions, 'files' | 'format'> & { podPrefix: string };

/** The pod named (podman looks for a container first: undefined when one answers, or no pod does). */
export async function podForUnits(roots: Roots, nameOrId: string): Promise<PodRecord | undefined> {
  try {
    await new ContainerStore(roots.dataRoot).lookup(nameOrId);
    return undefined;
  } catch {
    try {
      return new PodStore(roots.dataRoot).lookup(nameOrId);
    } catch {
      return undefined;
    }
  }
}

export interface PodUnitsDeps {
  executable: readonly string[];
  version: string;
  unitContainerOf: (roots: Roots, rec: ContainerRecord) => import('../runtime/views/systemd-unit.js').UnitContainer;
  valueFlags: ReadonlySet<string>;
  warn: (msg: string) => void;
}

/** The pod's unit first, then its members' units by name. */
export async function podUnits(roots: Roots, pod: PodRecord, o: PodGenerateOptions, d: PodUnitsDeps): Promise<Array<{ service: string; text: string }>> {
  if (o.template) throw new TscRunError('--template is not supported for pods');
  if (!pod.infraId) throw new TscRunError(`generating systemd unit files: Pod ${JSON.stringify(pod.name)} has no infra container`);
  const all = await new ContainerStore(roots.dataRoot).list();
  const infra = all.find((c) => c.id === pod.infraId);
  if (!infra) throw new TscRunError(`could not find infra container: no container with ID ${pod.infraId} found in database: no such container`);
  if (o.new && pod.createCommand.length === 0) throw new TscRunError(`cannot use --new on pod ${JSON.stringify(pod.id)}: no create command found`);
  const members = all.filter((c) => c.pod === pod.id && c.id !== infra.id).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const service = podServiceName(o.podPrefix, o.separator, o.useName ? pod.name : pod.id);
  const now = new Date();
  const base = { executable: d.executable, version: d.version, runRoot: roots.runRoot, now };
  const memberService = (c: ContainerRecord) => unitNames(d.unitContainerOf(roots, c), o).service;
  const infraUnit = d.unitContainerOf(roots, infra);
  const text = podUnit(
    {
      service,
      infra: o.useName ? infra.name : infra.id,
      infraPidFile: infraUnit.conmonPidFile,
      stopTimeout: o.stopTimeout ?? infraUnit.stopTimeout,
      createCommand: pod.createCommand,
      members: members.map(memberService),
    },
    { ...base, noHeader: o.noHeader, new: o.new, restartPolicy: o.restartPolicy, restartSec: o.restartSec },
  );
  const units = [{ service, text }];
  const { podIdFile } = podUnitFiles(service);
  for (const c of members) {
    // Bound to the pod's unit, and to the units of members it --requires.
    const bindsTo = [service, ...(c.config.requires ?? []).map((id) => all.find((m) => m.id === id)).filter((m): m is ContainerRecord => m !== undefined && m.pod === pod.id && m.id !== infra.id).map(memberService)];
    units.push(containerUnit(d.unitContainerOf(roots, c), { ...o, ...base, pod: { bindsTo, podIdFile } }, d.valueFlags, d.warn));
  }
  return units;
}
