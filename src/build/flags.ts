// build's --secret and --ssh values with buildah 1.28's rules (podman 4.3).
// --secret id=ID[,src=PATH][,env=VAR][,type=file|env]: no src means the id
// names the source; no type means env if a variable of that name is set,
// else a file (checked now). --ssh default|ID[=SOCKET]: an agent socket
// (default: $SSH_AUTH_SOCK); key files would need an agent of our own and are
// refused.

import fs from 'node:fs/promises';
import path from 'node:path';
import { TscRunError, UsageError } from '../errors.js';
import type { SecretSource } from './exec/mount-sources.js';

export async function parseSecretFlags(specs: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Map<string, SecretSource>> {
  const out = new Map<string, SecretSource>();
  for (const spec of specs) {
    let id = '';
    let src = '';
    let type = '';
    for (const tok of spec.split(',')) {
      const eq = tok.indexOf('=');
      const k = eq < 0 ? tok : tok.slice(0, eq);
      const v = eq < 0 ? '' : tok.slice(eq + 1);
      switch (k) {
        case 'id': id = v; break;
        case 'src': case 'source': src = v; break;
        case 'env': src = v; type = 'env'; break;
        case 'type':
          if (v !== 'file' && v !== 'env') throw new UsageError(`invalid --secret ${JSON.stringify(spec)}: invalid secret type, must be file or env`);
          type = v;
          break;
        default:
          throw new UsageError(`invalid --secret ${JSON.stringify(spec)}: unknown option ${JSON.stringify(k)} (want id=, src=, env=, type=)`);
      }
    }
    if (!id) throw new UsageError(`invalid --secret ${JSON.stringify(spec)}: incorrect secret flag format: should be --secret id=foo,src=bar[,env=ENV,type=file|env]`);
    if (!src) src = id;
    if (!type) type = env[id] !== undefined && !spec.includes('src=') ? 'env' : 'file';
    if (type === 'env') {
      if (env[src] === undefined) throw new TscRunError(`--secret ${id}: the environment variable ${src} is not set`);
      out.set(id, { type: 'env', name: src });
      continue;
    }
    const full = path.resolve(src);
    const st = await fs.stat(full).catch(() => undefined);
    if (!st) throw new TscRunError(`could not parse secrets: stat ${full}: no such file or directory`);
    if (!st.isFile()) throw new TscRunError(`could not parse secrets: ${full}: not a regular file`);
    out.set(id, { type: 'file', path: full });
  }
  return out;
}

export async function parseSshFlags(specs: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const id = eq < 0 ? spec : spec.slice(0, eq);
    if (!id) throw new UsageError(`invalid --ssh ${JSON.stringify(spec)}: want default|ID[=SOCKET]`);
    const paths = eq < 0 ? [] : spec.slice(eq + 1).split(',').filter(Boolean);
    if (paths.length === 0) {
      const sock = env.SSH_AUTH_SOCK;
      if (!sock) throw new TscRunError(`--ssh ${id}: $SSH_AUTH_SOCK not set`);
      paths.push(sock);
    }
    if (paths.length > 1) throw new UsageError(`--ssh ${id}: only one agent socket is allowed (key files are not supported: load them into ssh-agent)`);
    const p = path.resolve(paths[0]!);
    const st = await fs.stat(p).catch(() => undefined);
    if (!st) throw new TscRunError(`--ssh ${id}: stat ${p}: no such file or directory`);
    if (!st.isSocket()) throw new UsageError(`--ssh ${id}: ${p} is not an agent socket (key files are not supported: load them into ssh-agent and give its socket)`);
    out.set(id, p);
  }
  return out;
}

/**
 * --userns-uid-map / --userns-gid-map as buildah reads them: each value one or
 * more CONTAINER:HOST:SIZE triples (any non-digits separate the numbers), and
 * one of the two given alone serves for both. Returned as run's --uidmap
 * values; undefined when neither is given.
 */
export function parseBuildIdMaps(uid: readonly string[], gid: readonly string[]): { uidmap: string[]; gidmap: string[] } | undefined {
  const triples = (spec: readonly string[]): string[] => {
    const out: string[] = [];
    for (const s of spec) {
      const nums = s.split(/\D+/).filter((n) => n !== '');
      if (nums.length % 3 !== 0) throw new UsageError(`mapping ${JSON.stringify(s)} is not in the form containerid:hostid:size[,...]`);
      for (let i = 0; i < nums.length; i += 3) {
        for (const n of nums.slice(i, i + 3)) {
          if (Number(n) > 0xffffffff) throw new UsageError(`parsing ${JSON.stringify(n)} from mapping ${JSON.stringify(s)} as a number: value out of range`);
        }
        out.push(nums.slice(i, i + 3).map(Number).join(':'));
      }
    }
    return out;
  };
  let uidmap = triples(uid);
  let gidmap = triples(gid);
  if (!uidmap.length && !gidmap.length) return undefined;
  if (!uidmap.length) uidmap = gidmap;
  if (!gidmap.length) gidmap = uidmap;
  return { uidmap, gidmap };
}
