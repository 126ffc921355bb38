// `compose config`: the project as docker compose prints it. The loaded
// project in compose-go's struct order (YAML; JSON with the top-level keys
// sorted and two-space indents, no final newline, as Go's MarshalIndent),
// `$` escaped as `$$` so the output loads back to the same values; the plain
// model (`--no-interpolate`) with every map's keys sorted and nothing
// escaped; `--lock-image-digests`' services-and-images-only document. Pure.

import { stringify } from 'yaml';
import type { Project, Service } from './model.js';

type Tree = Record<string, unknown>;

/** compose-go's ServiceConfig fields, in the order it marshals them; other keys (x-*) after. */
const SERVICE_ORDER = [
  'profiles', 'annotations', 'attach', 'build', 'develop', 'blkio_config', 'cap_add', 'cap_drop', 'cgroup_parent', 'cgroup',
  'cpu_count', 'cpu_percent', 'cpu_period', 'cpu_quota', 'cpu_rt_period', 'cpu_rt_runtime', 'cpus', 'cpuset', 'cpu_shares',
  'command', 'configs', 'container_name', 'credential_spec', 'depends_on', 'deploy', 'device_cgroup_rules', 'devices', 'dns',
  'dns_opt', 'dns_search', 'dockerfile', 'domainname', 'entrypoint', 'provider', 'environment', 'env_file', 'expose', 'extends',
  'external_links', 'extra_hosts', 'group_add', 'gpus', 'hostname', 'healthcheck', 'image', 'init', 'ipc', 'isolation', 'labels',
  'label_file', 'links', 'logging', 'log_driver', 'log_opt', 'mem_limit', 'mem_reservation', 'memswap_limit', 'mem_swappiness',
  'mac_address', 'models', 'net', 'network_mode', 'networks', 'oom_kill_disable', 'oom_score_adj', 'pid', 'pids_limit', 'platform',
  'ports', 'privileged', 'pull_policy', 'read_only', 'restart', 'runtime', 'scale', 'secrets', 'security_opt', 'shm_size',
  'stdin_open', 'stop_grace_period', 'stop_signal', 'storage_opt', 'sysctls', 'tmpfs', 'tty', 'ulimits', 'use_api_socket', 'user',
  'userns_mode', 'uts', 'volume_driver', 'volumes', 'volumes_from', 'working_dir', 'post_start', 'pre_stop',
];
const RANK = new Map(SERVICE_ORDER.map((k, i) => [k, i]));

/** The top-level resources' fields in compose-go's order. */
const RESOURCE_ORDER: Record<string, string[]> = {
  networks: ['name', 'driver', 'driver_opts', 'ipam', 'external', 'internal', 'attachable', 'labels', 'enable_ipv4', 'enable_ipv6'],
  volumes: ['name', 'driver', 'driver_opts', 'external', 'labels'],
  secrets: ['name', 'file', 'environment', 'content', 'external', 'labels', 'driver', 'driver_opts', 'template_driver'],
  configs: ['name', 'file', 'environment', 'content', 'external', 'labels', 'driver', 'driver_opts', 'template_driver'],
  models: ['name', 'model', 'context_size', 'runtime_flags'],
};

function ordered<T extends object>(o: T, order: readonly string[]): T {
  const rank = (k: string) => { const i = order.indexOf(k); return i < 0 ? order.length : i; };
  return Object.fromEntries(Object.entries(o).sort((x, y) => rank(x[0]) - rank(y[0]) || byName(x, y))) as T;
}

const byName = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

function sortKeys<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).sort(byName)) as T;
}

/** A service's keys in compose-go's order (unknown ones last, by name). */
export function orderService(s: Service): Service {
  const rank = (k: string) => RANK.get(k) ?? SERVICE_ORDER.length;
  return Object.fromEntries(Object.entries(s).sort((x, y) => rank(x[0]) - rank(y[0]) || byName(x, y)));
}


/** Every map's keys sorted, all the way down (Go's encoders on a map). */
export function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v as Tree).sort(byName).map(([k, x]) => [k, sortDeep(x)]));
  return v;
}

/** The document: name, services (by name, keys in compose-go's order), networks, volumes, secrets, configs, models. */
export function configDocument(p: Project): Tree {
  const doc: Tree = { name: p.name };
  const services: Record<string, Service> = {};
  for (const n of Object.keys(p.services).sort()) services[n] = orderService(p.services[n]!);
  doc.services = services;
  for (const k of ['networks', 'volumes', 'secrets', 'configs', 'models'] as const) {
    const m = p[k];
    if (m && Object.keys(m).length) doc[k] = Object.fromEntries(Object.entries(sortKeys(m)).map(([n, r]) => [n, r && typeof r === 'object' ? ordered(r, RESOURCE_ORDER[k]!) : r]));
  }
  return doc;
}

const yamlText = (doc: unknown) => stringify(doc, { lineWidth: 0, defaultStringType: 'PLAIN', nullStr: 'null' });
/** Go's json.MarshalIndent(v, "", "  "): no final newline. */
const jsonText = (doc: unknown) => JSON.stringify(doc, null, 2);
const escapeDollars = (s: string) => s.replaceAll('$', '$$$$');

export function configYaml(p: Project): string {
  return escapeDollars(yamlText(configDocument(p)));
}

/** compose-go's MarshalJSON: a map of name, services and the non-empty resources (models left out), keys sorted. */
export function configJson(p: Project): string {
  const doc = configDocument(p);
  delete doc.models;
  return escapeDollars(jsonText(sortKeys(doc)));
}

/** The plain model (`config --no-interpolate`): keys sorted everywhere, nothing escaped. */
export function modelText(model: Tree, format: 'yaml' | 'json'): string {
  const doc = sortDeep(model);
  return format === 'json' ? jsonText(doc) : yamlText(doc);
}

/**
 * `--lock-image-digests`: only each service's image. From a project, compose-go
 * marshals a Project with no name (JSON keeps `"name": ""`); from the model,
 * the services' maps reduced to `image`.
 */
export function imagesOnlyText(images: Record<string, string | undefined>, format: 'yaml' | 'json', fromModel: boolean): string {
  const services: Tree = {};
  for (const n of Object.keys(images).sort()) services[n] = images[n] === undefined ? {} : { image: images[n] };
  if (fromModel) return modelText({ services }, format);
  return format === 'json' ? escapeDollars(jsonText({ name: '', services })) : escapeDollars(yamlText({ services }));
}

/** Every profile named by any service, enabled or not, sorted. */
export function projectProfiles(p: Project): string[] {
  const all = new Set<string>();
  for (const s of [...Object.values(p.services), ...Object.values(p.disabledServices)]) for (const x of s.profiles ?? []) all.add(x);
  return [...all].sort();
}

/** The image a service runs: its `image`, or PROJECT-SERVICE for a build without one (docker compose v2). */
export function serviceImage(p: Project, name: string): string {
  const s = p.services[name] ?? p.disabledServices[name]!;
  return s.image ?? `${p.name}${p.separator ?? '-'}${name}`;
}
