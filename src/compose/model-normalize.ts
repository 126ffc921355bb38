// compose-go's normalization of the merged files as a plain tree (the
// "model" `compose config --no-interpolate` prints): services on the
// implicit default network, build's default context and Dockerfile, bare
// environment and build-arg names looked up, the dependencies a link, a
// shared namespace or volumes_from imply, volume targets cleaned, resources
// named. Unlike normalize.ts it keeps everything else as written (durations,
// env_file, profiles) and checks nothing. Pure.

import path from 'node:path';
import { isPlainObject } from './yaml-read.js';

type Tree = Record<string, unknown>;

const tree = (v: unknown): Tree => (isPlainObject(v) ? { ...v } : {});

export function normalizeModel(input: Tree, project: string, env: Readonly<Record<string, string>>): Tree {
  const dict: Tree = { ...input, name: project };
  defaultNetwork(dict);
  if (isPlainObject(dict.services)) {
    const services: Tree = {};
    for (const [name, raw] of Object.entries(dict.services)) services[name] = isPlainObject(raw) ? normalizeService(raw, env) : raw;
    dict.services = services;
  }
  for (const k of ['networks', 'volumes', 'configs', 'secrets']) {
    if (!isPlainObject(dict[k])) continue;
    const out: Tree = {};
    for (const [key, raw] of Object.entries(dict[k])) {
      const r = tree(raw);
      if (r.name === undefined || r.name === null) r.name = isTrue(r.external) ? key : `${project}_${key}`;
      out[key] = r;
    }
    dict[k] = out;
  }
  return dict;
}

function isTrue(v: unknown): boolean {
  return v === true || (typeof v === 'string' && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v));
}

/** A service with no `networks` (or an empty one) joins `default`, which then exists; not with network_mode or provider. */
function defaultNetwork(dict: Tree): void {
  const networks = tree(dict.networks);
  let usesDefault = false;
  if (isPlainObject(dict.services)) {
    const services: Tree = {};
    for (const [name, raw] of Object.entries(dict.services)) {
      const s = tree(raw);
      if (s.provider === undefined && s.network_mode === undefined) {
        if (!isPlainObject(s.networks) || Object.keys(s.networks).length === 0) {
          s.networks = { default: null };
          usesDefault = true;
        } else if ('default' in s.networks) usesDefault = true;
      }
      services[name] = s;
    }
    dict.services = services;
  }
  if (usesDefault && !('default' in networks)) networks.default = null;
  if (Object.keys(networks).length) dict.networks = networks;
}

/** A map's null values (bare names) from the environment: kept null when unset (keepEmpty), else dropped. */
function resolveBare(m: unknown, env: Readonly<Record<string, string>>, keepEmpty: boolean): unknown {
  if (!isPlainObject(m)) return m;
  const out: Tree = {};
  for (const [k, v] of Object.entries(m)) {
    if (v !== null && v !== undefined) out[k] = v;
    else if (env[k] !== undefined) out[k] = env[k];
    else if (keepEmpty) out[k] = null;
  }
  return out;
}

function normalizeService(raw: Tree, env: Readonly<Record<string, string>>): Tree {
  const s: Tree = { ...raw };
  if (s.pull_policy === 'if_not_present') s.pull_policy = 'missing';
  if (isPlainObject(s.build)) {
    const b: Tree = { ...s.build };
    if (b.context === undefined || b.context === null) b.context = '.';
    if (b.dockerfile === undefined && b.dockerfile_inline === undefined) b.dockerfile = 'Dockerfile';
    if (b.args !== undefined) b.args = resolveBare(b.args, env, false);
    s.build = b;
  }
  if (s.environment !== undefined) s.environment = resolveBare(s.environment, env, true);
  const deps = tree(s.depends_on);
  const imply = (dep: string, restart: boolean) => {
    deps[dep] ??= { condition: 'service_started', restart, required: true };
  };
  for (const l of Array.isArray(s.links) ? s.links : []) {
    const parts = String(l).split(':');
    imply(parts.length === 2 ? parts[0]! : String(l), true);
  }
  for (const ns of ['network_mode', 'ipc', 'pid', 'uts', 'cgroup']) {
    const ref = s[ns];
    if (typeof ref === 'string' && ref.startsWith('service:')) imply(ref.slice(8), true);
  }
  if (Array.isArray(s.volumes)) {
    s.volumes = s.volumes.map((v: unknown) => (isPlainObject(v) && typeof v.target === 'string' ? { ...v, target: path.posix.normalize(v.target).replace(/(.)\/$/, '$1') } : v));
  }
  for (const v of Array.isArray(s.volumes_from) ? s.volumes_from : []) {
    const ref = String(v);
    if (!ref.startsWith('container:')) imply(ref.split(':')[0]!, false);
  }
  if (Object.keys(deps).length) s.depends_on = deps;
  return s;
}
