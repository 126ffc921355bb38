// One file's tree in canonical form before merging: every short syntax in
// its long form (ports, volumes, environment, labels, depends_on, networks,
// build, secrets, configs, env_file, command strings), so that merge.ts and
// everything after it see one shape. Relative paths are resolved later
// (normalize.ts). Pure; errors name the key's path.

import { ComposeFileError, keyPath } from './errors.js';
import { shellSplit, ShellSplitError } from './shell-split.js';
import { OVERRIDE, RESET, isPlainObject } from './yaml-read.js';

type Tree = Record<string, unknown>;

export interface PortConfig {
  target: number;
  published?: string;
  host_ip?: string;
  protocol: string;
  mode: string;
  name?: string;
  app_protocol?: string;
}

/**
 * `keepUnparsed`: a short port or volume that does not parse stays as written
 * (a file read without interpolation, `${PORT:-80}:80`), as compose-go does.
 */
export function canonicalFile(file: string, tree: Tree, keepUnparsed = false): Tree {
  const out: Tree = { ...tree };
  if (isPlainObject(tree.services)) {
    const services: Tree = {};
    for (const [name, svc] of Object.entries(tree.services)) {
      services[name] = isPlainObject(svc) ? canonicalService(file, name, svc, keepUnparsed) : svc;
    }
    out.services = services;
  }
  return out;
}

/** Apply fn to a field's value, through an `!override` wrapper; `!reset` passes. */
function field(v: unknown, fn: (v: unknown) => unknown): unknown {
  if (v === RESET || v === undefined) return v;
  if (isPlainObject(v) && OVERRIDE in v) return { [OVERRIDE]: fn(v[OVERRIDE]) };
  return fn(v);
}

class Unparsed extends Error {}

export function canonicalService(file: string, name: string, svc: Tree, keepUnparsed = false): Tree {
  const at = (...p: Array<string | number>) => keyPath(['services', name, ...p]);
  const fail = (p: string, why: string): never => {
    throw new ComposeFileError(file, p, why);
  };
  const s: Tree = { ...svc };
  const split = (key: string) =>
    field(s[key], (v) => {
      if (typeof v !== 'string') return v;
      try {
        return shellSplit(v);
      } catch (e) {
        if (e instanceof ShellSplitError) return fail(at(key), e.message);
        throw e;
      }
    });
  if (s.command !== undefined) s.command = split('command');
  if (s.entrypoint !== undefined) s.entrypoint = split('entrypoint');
  for (const k of ['environment', 'labels', 'sysctls', 'annotations']) {
    if (s[k] !== undefined) s[k] = field(s[k], (v) => listOrDict(v, k !== 'environment'));
  }
  if (s.extra_hosts !== undefined) s.extra_hosts = field(s.extra_hosts, extraHosts);
  for (const k of ['dns', 'dns_search', 'dns_opt', 'tmpfs', 'cap_add', 'cap_drop', 'security_opt']) {
    if (typeof s[k] === 'string') s[k] = [s[k]];
  }
  if (s.expose !== undefined) s.expose = field(s.expose, (v) => (Array.isArray(v) ? v.map(String) : v));
  if (s.env_file !== undefined) s.env_file = field(s.env_file, envFiles);
  if (s.build !== undefined) s.build = field(s.build, (b) => (typeof b === 'string' ? { context: b } : isPlainObject(b) && b.args !== undefined ? { ...b, args: listOrDict(b.args, false) } : b));
  if (s.depends_on !== undefined) s.depends_on = field(s.depends_on, dependsOn);
  if (s.networks !== undefined) s.networks = field(s.networks, (v) => (Array.isArray(v) ? Object.fromEntries(v.map((n) => [String(n), null])) : v));
  for (const k of ['secrets', 'configs']) {
    if (s[k] !== undefined) s[k] = field(s[k], (v) => (Array.isArray(v) ? (v as unknown[]).map((e) => (typeof e === 'string' ? { source: e } : e)) : v));
  }
  // A short entry that does not parse: an error, or (keepUnparsed) the entry as written.
  const short = <T>(text: string, p: string, parse: (text: string, fail: (why: string) => never) => T): T | string => {
    if (!keepUnparsed) return parse(text, (why) => fail(p, why));
    try {
      return parse(text, () => {
        throw new Unparsed();
      });
    } catch (e) {
      if (e instanceof Unparsed) return text;
      throw e;
    }
  };
  if (s.ports !== undefined) {
    s.ports = field(s.ports, (v) => (Array.isArray(v) ? (v as unknown[]).flatMap((p, i): unknown[] => (p === RESET ? [p] : typeof p === 'object' && p !== null ? [longPort(p as Tree)] : [short(String(p), at('ports', i), parsePort)].flat())) : v));
  }
  if (s.volumes !== undefined) {
    s.volumes = field(s.volumes, (v) => (Array.isArray(v) ? (v as unknown[]).map((m, i) => (typeof m === 'string' ? short(m, at('volumes', i), parseVolume) : m)) : v));
  }
  if (isPlainObject(s.healthcheck) && typeof s.healthcheck.test === 'string') {
    s.healthcheck = { ...s.healthcheck, test: ['CMD-SHELL', s.healthcheck.test] };
  }
  return s;
}

function listOrDict(v: unknown, emptyForBare: boolean): unknown {
  if (Array.isArray(v)) {
    const out: Tree = {};
    for (const e of v) {
      if (e === RESET) continue;
      const str = String(e);
      const eq = str.indexOf('=');
      if (eq < 0) out[str] = emptyForBare ? '' : null;
      else out[str.slice(0, eq)] = str.slice(eq + 1);
    }
    return out;
  }
  if (isPlainObject(v)) {
    const out: Tree = {};
    for (const [k, x] of Object.entries(v)) out[k] = x === null || x === RESET || isPlainObject(x) ? x : String(x);
    return out;
  }
  return v;
}

function extraHosts(v: unknown): unknown {
  if (isPlainObject(v)) {
    return Object.entries(v).flatMap(([h, ip]) => (Array.isArray(ip) ? ip.map((i) => `${h}=${String(i)}`) : [`${h}=${String(ip)}`]));
  }
  if (Array.isArray(v)) {
    // host:ip (an IPv6 address keeps its colons) or host=ip.
    return v.map((e) => {
      const s = String(e);
      if (s.includes('=')) return s;
      const c = s.indexOf(':');
      return c < 0 ? s : `${s.slice(0, c)}=${s.slice(c + 1)}`;
    });
  }
  return v;
}

function envFiles(v: unknown): unknown {
  const list = typeof v === 'string' ? [v] : Array.isArray(v) ? (v as unknown[]) : [v];
  return list.map((e) => (typeof e === 'string' ? { path: e, required: true } : isPlainObject(e) ? { required: true, ...e } : e));
}

function dependsOn(v: unknown): unknown {
  if (Array.isArray(v)) return Object.fromEntries(v.map((d) => [String(d), { condition: 'service_started', required: true }]));
  if (isPlainObject(v)) {
    return Object.fromEntries(
      Object.entries(v).map(([k, d]) => [k, isPlainObject(d) ? { condition: 'service_started', required: true, ...d } : d]),
    );
  }
  return v;
}

function longPort(p: Tree): PortConfig {
  // docker compose's key order: name, mode, host_ip, target, published, protocol, app_protocol.
  const out: Record<string, unknown> = {};
  if (p.name !== undefined) out.name = String(p.name);
  out.mode = String(p.mode ?? 'ingress');
  if (p.host_ip !== undefined) out.host_ip = String(p.host_ip);
  out.target = Number(p.target);
  if (p.published !== undefined && p.published !== null && p.published !== '') out.published = String(p.published);
  out.protocol = String(p.protocol ?? 'tcp');
  if (p.app_protocol !== undefined) out.app_protocol = String(p.app_protocol);
  return out as unknown as PortConfig;
}

function range(s: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (a < 0 || b > 65535 || b < a) return undefined;
  return [a, b];
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** `[[IP:](PORT|RANGE):](PORT|RANGE)[/PROTO]` → one entry per container port. */
export function parsePort(spec: string, fail: (why: string) => never): PortConfig[] {
  const bad = () => fail(`invalid port ${JSON.stringify(spec)}`);
  let rest = spec;
  let protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    protocol = rest.slice(slash + 1);
    rest = rest.slice(0, slash);
    if (!['tcp', 'udp', 'sctp'].includes(protocol)) fail(`invalid proto ${JSON.stringify(protocol)} in port ${JSON.stringify(spec)}`);
  }
  let hostIp: string | undefined;
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']:');
    if (end < 0) bad();
    hostIp = rest.slice(1, end);
    rest = rest.slice(end + 2);
  }
  const parts = rest.split(':');
  let published: string | undefined;
  let target: string;
  if (parts.length === 1) target = parts[0]!;
  else if (parts.length === 2) [published, target] = parts as [string, string];
  else if (parts.length === 3 && hostIp === undefined) {
    [hostIp, published, target] = parts as [string, string, string];
    if (!IPV4.test(hostIp)) bad();
  } else return bad();
  const t = range(target);
  if (!t) return bad();
  if (published === '') published = undefined;
  const p = published === undefined ? undefined : range(published);
  if (published !== undefined && !p) return bad();
  const base = (port: number, pub: string | undefined): PortConfig =>
    longPort({ target: port, published: pub, protocol, host_ip: hostIp === '' ? undefined : hostIp });
  const count = t[1] - t[0] + 1;
  if (p && p[1] - p[0] + 1 !== count) {
    // A host range for one container port: any free port of the range.
    if (count === 1) return [base(t[0], published)];
    return bad();
  }
  const out: PortConfig[] = [];
  for (let i = 0; i < count; i++) out.push(base(t[0] + i, p ? String(p[0] + i) : undefined));
  return out;
}

export interface VolumeConfig {
  type: string;
  source?: string;
  target: string;
  read_only?: boolean;
  bind?: Tree;
  volume?: Tree;
  tmpfs?: Tree;
}

const MODES = new Set(['ro', 'rw', 'z', 'Z', 'nocopy', 'consistent', 'cached', 'delegated', 'shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);

/** `[SOURCE:]TARGET[:MODE]`: bind when SOURCE is a path (., /, ~), a named volume otherwise. */
export function parseVolume(spec: string, fail: (why: string) => never): VolumeConfig {
  const parts = spec.split(':');
  if (parts.some((p) => p === '') || parts.length > 3) fail(`invalid volume specification: ${JSON.stringify(spec)}`);
  if (parts.length === 1) {
    if (!parts[0]!.startsWith('/')) fail(`invalid volume specification: ${JSON.stringify(spec)}: the target must be an absolute path`);
    return { type: 'volume', target: parts[0]!, volume: {} };
  }
  const [source, target, mode] = parts as [string, string, string | undefined];
  if (!target.startsWith('/')) fail(`invalid volume specification: ${JSON.stringify(spec)}: the target must be an absolute path`);
  const opts = mode === undefined ? [] : mode.split(',');
  for (const o of opts) if (!MODES.has(o)) fail(`invalid volume specification: ${JSON.stringify(spec)}: unknown mode ${JSON.stringify(o)}`);
  const isBind = source.startsWith('.') || source.startsWith('/') || source.startsWith('~');
  const v: VolumeConfig = { type: isBind ? 'bind' : 'volume', source, target };
  if (opts.includes('ro')) v.read_only = true;
  if (isBind) {
    const bind: Tree = { create_host_path: true };
    const prop = opts.find((o) => /^r?(shared|slave|private)$/.test(o));
    if (prop) bind.propagation = prop;
    const sel = opts.find((o) => o === 'z' || o === 'Z');
    if (sel) bind.selinux = sel;
    v.bind = bind;
  } else {
    v.volume = opts.includes('nocopy') ? { nocopy: true } : {};
  }
  return v;
}
