// A service → the `tsc-run create` command line of one of its containers:
// names and labels as docker compose v2 sets them, every service key mapped
// to the engine's flag, and the keys the engine cannot honour yet refused
// with the reason (never dropped silently). Pure.

import path from 'node:path';
import { ComposeError } from './errors.js';
import { containerName, COMPOSE_VERSION, L } from './labels.js';
import { parseDuration } from './durations.js';
import type { Project, Service } from './model.js';
import { networkFlags } from './networks.js';

/** The service is on networks (not network_mode). */
function onBridge(s: Service): boolean {
  return s.network_mode === undefined && Object.keys(s.networks ?? {}).length > 0;
}

/** Keys that only describe (no runtime effect in a container), or that create-args maps. */
const MAPPED = new Set([
  'image', 'build', 'command', 'entrypoint', 'environment', 'working_dir', 'user', 'hostname', 'labels', 'ports', 'expose',
  'volumes', 'tmpfs', 'networks', 'network_mode', 'depends_on', 'healthcheck', 'restart', 'scale', 'deploy', 'secrets', 'configs',
  'cap_add', 'cap_drop', 'privileged', 'read_only', 'security_opt', 'init', 'stop_signal', 'stop_grace_period', 'tty',
  'stdin_open', 'extra_hosts', 'dns', 'dns_search', 'dns_opt', 'container_name', 'pull_policy', 'profiles', 'logging',
  'userns_mode', 'mem_limit', 'cpus', 'pids_limit', 'annotations', 'attach', 'platform', 'develop',
  'sysctls', 'ulimits', 'shm_size', 'devices', 'pid', 'ipc', 'group_add', 'oom_score_adj', 'mac_address',
  'domainname', 'volumes_from', 'links',
]);

/** Why a key cannot be honoured, for the ones we know and lack. */
const MISSING: Record<string, string> = {
  external_links: 'legacy links are not supported: put the containers on a shared external network instead',
  cgroup_parent: 'cgroups are not delegated on this host',
};

export interface ContainerArgsInput {
  project: Project;
  service: string;
  number: number;
  hash: string;
  /** The image to run (for a build service, the built one). */
  image: string;
  /** Its id (`sha256:HEX`), the com.docker.compose.image label as docker compose sets it. */
  imageId?: string | undefined;
  /** Host path of each secret/config file (compose writes environment/content ones to files). */
  secretFiles: Record<string, string>;
  configFiles: Record<string, string>;
  /** One-off `compose run`: name PROJECT-SERVICE-run-ID, oneoff label. */
  oneoff?: { suffix: string; useAliases?: boolean };
  /** A recreated container's anonymous volumes (target → volume name), kept as docker compose keeps them. */
  inheritVolumes?: Record<string, string>;
}

/** The service's keys that cannot run here, as `services.web.sysctls: reason`. */
export function unsupportedKeys(name: string, s: Service): string[] {
  const out: string[] = [];
  for (const k of Object.keys(s)) {
    if (MAPPED.has(k)) continue;
    out.push(`services.${name}.${k}: ${MISSING[k] ?? 'not supported by tsc-run compose'}`);
  }
  if (s.mac_address !== undefined && !onBridge(s)) out.push(`services.${name}.mac_address: a MAC address needs a network (not network_mode)`);
  return out;
}

export function containerLabels(i: ContainerArgsInput): Record<string, string> {
  const s = i.project.services[i.service]!;
  return {
    ...(s.labels ?? {}),
    [L.project]: i.project.name,
    [L.service]: i.service,
    [L.number]: String(i.number),
    [L.oneoff]: i.oneoff ? 'True' : 'False',
    [L.configHash]: i.hash,
    [L.workingDir]: i.project.workingDir,
    [L.configFiles]: i.project.configFiles.join(','),
    [L.version]: COMPOSE_VERSION,
    [L.dependsOn]: Object.entries(s.depends_on ?? {}).map(([d, o]) => `${d}:${o.condition}:${o.restart === true ? 'true' : 'false'}`).join(','),
    [L.image]: i.imageId ?? i.image,
  };
}

export function nameOf(i: Pick<ContainerArgsInput, 'project' | 'service' | 'number' | 'oneoff'>): string {
  const sep = i.project.separator ?? '-';
  if (i.oneoff) return [i.project.name, i.service, 'run', i.oneoff.suffix].join(sep);
  return containerName(i.project.name, i.service, i.number, i.project.services[i.service], sep);
}

export function createArgs(i: ContainerArgsInput): string[] {
  const { flags, image, command } = createArgParts(i);
  return [...flags, image, ...command];
}

/** The flags, the image and the command apart (for `compose run`, which adds flags). */
export function createArgParts(i: ContainerArgsInput): { flags: string[]; image: string; command: string[] } {
  const p = i.project;
  const s = p.services[i.service]!;
  const bad = unsupportedKeys(i.service, s);
  if (bad.length) throw new ComposeError(bad[0]!);
  const a: string[] = ['--name', nameOf(i)];
  for (const [k, v] of Object.entries(containerLabels(i))) a.push('--label', `${k}=${v}`);
  for (const [k, v] of Object.entries(s.environment ?? {})) if (v !== null) a.push('--env', `${k}=${v}`);
  if (s.working_dir !== undefined) a.push('--workdir', s.working_dir);
  if (s.user !== undefined) a.push('--user', s.user);
  if (s.hostname !== undefined) a.push('--hostname', s.hostname);
  for (const e of s.expose ?? []) a.push('--expose', String(e));
  if (s.domainname !== undefined) a.push('--domainname', s.domainname);
  if (s.entrypoint !== undefined && s.entrypoint !== null) a.push('--entrypoint', JSON.stringify(s.entrypoint));
  if (!i.oneoff) {
    for (const port of s.ports ?? []) {
      const host = port.published !== undefined ? `${port.host_ip ? `${port.host_ip}:` : ''}${port.published}:` : port.host_ip ? `${port.host_ip}::` : '';
      a.push('--publish', `${host}${port.target}/${port.protocol}`);
    }
  }
  const inherit = { ...(i.inheritVolumes ?? {}) };
  for (const v of s.volumes ?? []) {
    const ro = v.read_only ? ':ro' : '';
    if (v.type === 'bind') a.push('--volume', `${v.source}:${v.target}${ro}`);
    else if (v.type === 'volume') {
      const kept = inherit[v.target];
      delete inherit[v.target];
      if (v.source === undefined) a.push('--volume', kept !== undefined ? `${kept}:${v.target}${ro}` : `${v.target}${ro}`);
      else a.push('--volume', `${p.volumes[v.source]!.name}:${v.target}${ro}`);
    } else if (v.type === 'tmpfs') a.push('--tmpfs', v.target);
    else throw new ComposeError(`services.${i.service}.volumes: type ${v.type} is not supported by tsc-run`);
  }
  for (const t of s.tmpfs ?? []) a.push('--tmpfs', t);
  for (const v of s.volumes_from ?? []) a.push('--volumes-from', volumesFromArg(p, i.service, v));
  // The rest are the image's VOLUMEs the old container had.
  const taken = new Set((s.volumes ?? []).map((v) => v.target));
  for (const [target, name] of Object.entries(inherit)) if (!taken.has(target)) a.push('--volume', `${name}:${target}`);
  const nm = s.network_mode;
  if (onBridge(s)) for (const n of networkFlags(p, i.service, i.oneoff !== undefined, i.oneoff?.useAliases === true)) a.push('--network', n);
  else if (nm === 'host' || nm === 'none' || nm === 'bridge') a.push('--network', nm === 'bridge' ? 'default' : nm);
  else if (nm?.startsWith('service:')) a.push('--network', sharedMode(p, nm));
  else if (nm?.startsWith('container:')) a.push('--network', nm);
  else if (nm !== undefined) throw new ComposeError(`services.${i.service}.network_mode: ${JSON.stringify(nm)} is not supported`);
  if (s.restart !== undefined && !i.oneoff) a.push('--restart', s.restart);
  for (const c of s.cap_add ?? []) a.push('--cap-add', c);
  for (const c of s.cap_drop ?? []) a.push('--cap-drop', c);
  if (s.privileged) a.push('--privileged');
  if (s.read_only) a.push('--read-only');
  for (const o of s.security_opt ?? []) a.push('--security-opt', o);
  if (s.init) a.push('--init');
  if (s.stop_signal !== undefined) a.push('--stop-signal', s.stop_signal);
  if (s.stop_grace_period !== undefined) a.push('--stop-timeout', String(Math.ceil(parseDuration(s.stop_grace_period)! / 1e9)));
  if (s.tty) a.push('--tty');
  if (s.stdin_open) a.push('--interactive');
  for (const h of s.extra_hosts ?? []) {
    const eq = h.indexOf('=');
    a.push('--add-host', eq < 0 ? h : `${h.slice(0, eq)}:${h.slice(eq + 1)}`);
  }
  for (const d of s.dns ?? []) a.push('--dns', d);
  for (const d of s.dns_search ?? []) a.push('--dns-search', d);
  for (const d of s.dns_opt ?? []) a.push('--dns-option', d);
  if (s.userns_mode !== undefined) a.push('--userns', s.userns_mode);
  if (s.logging?.driver !== undefined) a.push('--log-driver', s.logging.driver);
  for (const [k, v] of Object.entries(s.logging?.options ?? {})) a.push('--log-opt', `${k}=${v}`);
  // Passed on as they are: the engine checks them and says why it refuses one.
  for (const [k, v] of Object.entries((s.sysctls as Record<string, string> | undefined) ?? {})) a.push('--sysctl', `${k}=${v}`);
  for (const [k, v] of Object.entries((s.ulimits as Record<string, number | string | { soft: number; hard: number }> | undefined) ?? {})) {
    a.push('--ulimit', typeof v === 'object' ? `${k}=${v.soft}:${v.hard}` : `${k}=${v}`);
  }
  if (s.shm_size !== undefined) a.push('--shm-size', String(s.shm_size));
  for (const d of (s.devices as Array<string | { source: string; target?: string; permissions?: string }> | undefined) ?? []) {
    a.push('--device', typeof d === 'string' ? d : [d.source, d.target ?? d.source, d.permissions].filter((x) => x !== undefined).join(':'));
  }
  if (s.pid !== undefined && s.pid !== null) a.push('--pid', sharedMode(p, s.pid));
  if (s.ipc !== undefined) a.push('--ipc', sharedMode(p, s.ipc));
  for (const g of (s.group_add as Array<string | number> | undefined) ?? []) a.push('--group-add', String(g));
  if (s.oom_score_adj !== undefined) a.push('--oom-score-adj', String(s.oom_score_adj));
  for (const [k, v] of Object.entries((s.annotations as Record<string, string> | undefined) ?? {})) a.push('--annotation', `${k}=${v}`);
  a.push(...healthFlags(i.service, s));
  const lim = s.deploy?.resources?.limits;
  const mem = lim?.memory ?? (s.mem_limit as string | undefined);
  const cpus = lim?.cpus ?? (s.cpus as string | number | undefined);
  const pids = lim?.pids ?? (s.pids_limit as number | undefined);
  if (mem !== undefined) a.push('--memory', String(mem));
  if (cpus !== undefined) a.push('--cpus', String(cpus));
  if (pids !== undefined) a.push('--pids-limit', String(pids));
  for (const [n, sec] of (s.secrets ?? []).entries()) {
    // A grant with uid/gid/mode has a copy of its own (engine/up.ts grantFiles).
    const file = i.secretFiles[`${i.service}#${n}`] ?? i.secretFiles[sec.source]!;
    const target = sec.target === undefined ? `/run/secrets/${sec.source}` : sec.target.startsWith('/') ? sec.target : `/run/secrets/${sec.target}`;
    a.push('--volume', `${file}:${target}:ro`);
  }
  for (const [n, cfg] of (s.configs ?? []).entries()) {
    const file = i.configFiles[`${i.service}#${n}`] ?? i.configFiles[cfg.source]!;
    a.push('--volume', `${file}:${cfg.target ?? `/${cfg.source}`}:ro`);
  }
  return { flags: a, image: i.image, command: s.command ?? [] };
}

/** `service:X` (network_mode, ipc, pid) → `container:` X's first container, as docker compose resolves it. */
function sharedMode(p: Project, mode: string): string {
  if (!mode.startsWith('service:')) return mode;
  const other = mode.slice(8);
  return `container:${containerName(p.name, other, 1, p.services[other], p.separator)}`;
}

/** volumes_from `SERVICE[:ro|rw]` / `container:NAME[:ro|rw]` → run's --volumes-from `CONTAINER[:ro|rw]` (the service's first container). */
export function volumesFromArg(p: Project, service: string, v: string): string {
  const parts = v.split(':');
  const [name, mode] = parts[0] === 'container' ? [parts[1] ?? '', parts[2]] : [containerName(p.name, parts[0]!, 1, p.services[parts[0]!], p.separator), parts[1]];
  const extra = parts.length > (parts[0] === 'container' ? 3 : 2);
  if (!name || extra || (mode !== undefined && mode !== 'ro' && mode !== 'rw')) {
    throw new ComposeError(`services.${service}.volumes_from: invalid ${JSON.stringify(v)} (SERVICE[:ro|rw] or container:NAME[:ro|rw])`);
  }
  return mode ? `${name}:${mode}` : name;
}

/**
 * healthcheck → the engine's --health-* flags (the engine runs it);
 * `disable: true` or test NONE → --no-healthcheck; none → the image's.
 */
export function healthFlags(service: string, s: Service): string[] {
  const h = s.healthcheck;
  if (!h) return [];
  if (h.disable || h.test?.[0] === 'NONE') return ['--no-healthcheck'];
  if (h.start_interval !== undefined) throw new ComposeError(`services.${service}.healthcheck.start_interval: tsc-run healthchecks have no start interval (podman 4.3 has none either)`);
  // Only timing given: docker compose keeps the image's test; the engine needs the test with them.
  if (!h.test?.length) throw new ComposeError(`services.${service}.healthcheck: a test is needed (tsc-run cannot combine the image's HEALTHCHECK test with the file's timings)`);
  const a = ['--health-cmd', JSON.stringify(h.test[0] === 'CMD' || h.test[0] === 'CMD-SHELL' ? h.test : ['CMD-SHELL', h.test.join(' ')])];
  if (h.interval !== undefined) a.push('--health-interval', h.interval);
  if (h.timeout !== undefined) a.push('--health-timeout', h.timeout);
  if (h.start_period !== undefined) a.push('--health-start-period', h.start_period);
  if (h.retries !== undefined) a.push('--health-retries', String(h.retries));
  return a;
}

/** Bind sources to create first (docker compose creates missing ones as directories). */
export function bindSourcesToCreate(s: Service): string[] {
  return (s.volumes ?? []).filter((v) => v.type === 'bind' && v.bind?.create_host_path !== false && v.source).map((v) => path.resolve(v.source!));
}
