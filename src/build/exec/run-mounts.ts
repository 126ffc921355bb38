// RUN --mount values, parsed with buildah 1.28's rules (what podman 4.3
// builds with): type=bind|cache|tmpfs|secret|ssh, each with the options
// buildah knows and its defaults; an unknown option, a missing value, a
// relative target or a bad number is an error before any step runs. Pure:
// the mounts are made by mount-sources.ts.

import path from 'node:path';
import { StepError } from './meta-steps.js';

export interface BindMount {
  type: 'bind';
  target: string;
  /** Path inside the source (context, stage, image, named context), `/`-relative, cleaned. */
  source: string;
  from?: string;
  /** rw: the step writes to a private copy of the source (BuildKit's rule; buildah 1.28 writes into the context). */
  rw: boolean;
}

export interface CacheMount {
  type: 'cache';
  target: string;
  /** The cache's name (default: the target). */
  id: string;
  /** With from=: the path inside that stage; else unused. */
  source: string;
  from?: string;
  ro: boolean;
  sharing: 'shared' | 'locked';
  mode: number;
  uid: number;
  gid: number;
}

export interface TmpfsMount {
  type: 'tmpfs';
  target: string;
  /** Options for the helper's --tmpfs (size=, mode=, ro, nosuid, ...). */
  options: string[];
}

export interface SecretMount {
  type: 'secret' | 'ssh';
  id: string;
  target: string;
  required: boolean;
  mode: number;
  uid: number;
  gid: number;
}

export type RunMount = BindMount | CacheMount | TmpfsMount | SecretMount;

const SIZE = /^\d+(\.\d+)?[kmgKMG]?[bB]?$/;

function fail(spec: string, why: string): never {
  throw new StepError(`RUN --mount=${spec}: ${why}`);
}

function target(spec: string, v: string): string {
  if (!v.startsWith('/')) fail(spec, `invalid container path ${JSON.stringify(v)}, must be an absolute path`);
  return path.posix.normalize(v).replace(/(.)\/$/, '$1');
}

function uint(spec: string, what: string, v: string, radix: 8 | 10): number {
  const ok = radix === 8 ? /^0?[0-7]{1,6}$/.test(v) : /^\d{1,10}$/.test(v);
  const n = parseInt(v, radix);
  if (!ok || n > 0xffffffff) fail(spec, `invalid ${what} ${JSON.stringify(v)}: want ${radix === 8 ? 'an octal mode' : 'a non-negative integer'}`);
  return n;
}

function bool(spec: string, what: string, v: string): boolean {
  if (/^(1|t|true|T|TRUE|True)$/.test(v)) return true;
  if (/^(0|f|false|F|FALSE|False)$/.test(v)) return false;
  return fail(spec, `invalid ${what} ${JSON.stringify(v)}: want true or false`);
}

/** One RUN --mount value. */
export function parseRunMount(spec: string): RunMount {
  const fields = spec.split(',').filter((f) => f !== '');
  if (fields.length === 0) fail(spec, 'empty mount specification');
  let type = 'bind';
  const opts: Array<[string, string | undefined]> = [];
  for (const f of fields) {
    const eq = f.indexOf('=');
    const k = eq < 0 ? f : f.slice(0, eq);
    const v = eq < 0 ? undefined : f.slice(eq + 1);
    if (k === 'type') {
      if (!v) fail(spec, 'type= needs a value');
      type = v;
    } else opts.push([k, v]);
  }
  const need = (k: string, v: string | undefined): string => {
    if (v === undefined || v === '') fail(spec, `${k}: must provide an argument for option`);
    return v;
  };
  switch (type) {
    case 'bind': {
      const m: Partial<BindMount> & { type: 'bind' } = { type: 'bind', source: '', rw: false };
      for (const [k, v] of opts) {
        switch (k) {
          case 'target': case 'dst': case 'destination': m.target = target(spec, need(k, v)); break;
          case 'source': case 'src': m.source = need(k, v); break;
          case 'from': m.from = need(k, v); break;
          case 'rw': case 'readwrite': m.rw = v === undefined ? true : bool(spec, k, v); break;
          case 'ro': case 'readonly': m.rw = v === undefined ? false : !bool(spec, k, v); break;
          // Propagation and relabelling have no meaning for a step's private mount namespace without SELinux.
          case 'bind-propagation': need(k, v); break;
          case 'shared': case 'rshared': case 'private': case 'rprivate': case 'slave': case 'rslave': case 'z': case 'Z': case 'consistency': break;
          default: fail(spec, `${k}: invalid mount option`);
        }
      }
      if (!m.target) fail(spec, 'must set volume destination (target=)');
      return { ...m, target: m.target, source: clean(m.source!), rw: m.rw! };
    }
    case 'cache': {
      const m: Partial<CacheMount> & { type: 'cache' } = { type: 'cache', source: '', ro: false, sharing: 'shared', mode: 0o755, uid: 0, gid: 0 };
      let id: string | undefined;
      for (const [k, v] of opts) {
        switch (k) {
          case 'target': case 'dst': case 'destination': m.target = target(spec, need(k, v)); break;
          case 'id': id = need(k, v); break;
          case 'from': m.from = need(k, v); break;
          case 'source': case 'src': m.source = need(k, v); break;
          case 'ro': case 'readonly': m.ro = v === undefined ? true : bool(spec, k, v); break;
          case 'rw': case 'readwrite': m.ro = v === undefined ? false : !bool(spec, k, v); break;
          case 'sharing': {
            const s = need(k, v);
            if (s !== 'shared' && s !== 'locked') fail(spec, `unrecognized value ${JSON.stringify(s)} for field sharing: want shared or locked (buildah 1.28 has no private)`);
            m.sharing = s;
            break;
          }
          case 'mode': m.mode = uint(spec, 'cache mode', need(k, v), 8); break;
          case 'uid': m.uid = uint(spec, 'cache uid', need(k, v), 10); break;
          case 'gid': m.gid = uint(spec, 'cache gid', need(k, v), 10); break;
          case 'bind-propagation': need(k, v); break;
          case 'nosuid': case 'nodev': case 'noexec': case 'shared': case 'rshared': case 'private': case 'rprivate': case 'slave': case 'rslave': case 'z': case 'Z': case 'U': break;
          default: fail(spec, `${k}: invalid mount option`);
        }
      }
      if (!m.target) fail(spec, 'must set volume destination (target=)');
      const cid = path.posix.normalize(`/${id ?? m.target}`).slice(1);
      if (cid === '') fail(spec, 'id= must name a cache');
      return { ...m, target: m.target, id: cid, source: clean(m.source!), ro: m.ro!, sharing: m.sharing!, mode: m.mode!, uid: m.uid!, gid: m.gid! };
    }
    case 'tmpfs': {
      let t: string | undefined;
      const options: string[] = [];
      for (const [k, v] of opts) {
        switch (k) {
          case 'target': case 'dst': case 'destination': t = target(spec, need(k, v)); break;
          case 'ro': case 'readonly': options.push('ro'); break;
          case 'nosuid': case 'nodev': case 'noexec': case 'tmpcopyup': options.push(k); break;
          case 'tmpfs-mode': options.push(`mode=${uint(spec, 'tmpfs-mode', need(k, v), 8).toString(8)}`); break;
          case 'tmpfs-size': case 'size': {
            const s = need(k, v);
            if (!SIZE.test(s)) fail(spec, `invalid ${k} ${JSON.stringify(s)}`);
            options.push(`size=${s}`);
            break;
          }
          default: fail(spec, `${k}: invalid mount option`);
        }
      }
      if (!t) fail(spec, 'must set volume destination (target=)');
      return { type: 'tmpfs', target: t, options };
    }
    case 'secret':
    case 'ssh': {
      const m = { type, id: '', target: '', required: false, mode: type === 'secret' ? 0o400 : 0o600, uid: 0, gid: 0 } as SecretMount;
      for (const [k, v] of opts) {
        switch (k) {
          case 'id': m.id = need(k, v); break;
          case 'target': case 'dst': case 'destination': m.target = target(spec, need(k, v)); break;
          case 'required': m.required = v === undefined ? true : bool(spec, k, v); break;
          case 'mode': m.mode = uint(spec, 'mode', need(k, v), 8); break;
          case 'uid': m.uid = uint(spec, 'uid', need(k, v), 10); break;
          case 'gid': m.gid = uint(spec, 'gid', need(k, v), 10); break;
          case 'env':
            fail(spec, 'env= is not an option of secret mounts in buildah 1.28 (podman 4.3): mount the secret as a file and read it');
          // eslint-disable-next-line no-fallthrough
          default:
            fail(spec, `${k}: invalid ${type} mount option (want id=, target=, required=, mode=, uid=, gid=)`);
        }
      }
      if (type === 'secret' && !m.id) fail(spec, 'a secret mount needs id=');
      if (type === 'ssh' && !m.id) m.id = 'default';
      return m;
    }
    default:
      return fail(spec, `invalid mount type ${JSON.stringify(type)} (want bind, cache, tmpfs, secret or ssh)`);
  }
}

/** A source path inside a tree: cleaned, relative, never above its root. */
function clean(p: string): string {
  return path.posix.normalize(`/${p}`).slice(1);
}

/** Every mount of a RUN, with duplicate targets refused (buildah's "duplicate mount destination"). */
export function parseRunMounts(specs: readonly string[]): RunMount[] {
  const out = specs.map(parseRunMount);
  const seen = new Set<string>();
  let ssh = 0;
  for (const m of out) {
    if (m.type === 'secret' && !m.target) m.target = `/run/secrets/${m.id}`;
    if (m.type === 'ssh' && !m.target) m.target = `/run/buildkit/ssh_agent.${ssh++}`;
    if (seen.has(m.target)) throw new StepError(`RUN --mount: ${m.target}: duplicate mount destination`);
    seen.add(m.target);
  }
  return out;
}
