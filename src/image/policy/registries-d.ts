// registries.d (containers-registries.d(5)): where signatures of a docker
// namespace are looked up (lookaside/sigstore). `image trust show` prints
// it beside each policy scope. The directory is the user's
// ~/.config/containers/registries.d when it exists, else /etc's; every
// *.yaml file in it is merged, a namespace defined twice is an error.

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { TscRunError } from '../../errors.js';
import { errnoCode } from '../../storage/atomic-file.js';

export const SYSTEM_REGISTRIES_D = '/etc/containers/registries.d';

export interface LookasideConfig {
  lookaside?: string;
  sigstore?: string;
}

export interface RegistriesD {
  defaultDocker: LookasideConfig | undefined;
  docker: Map<string, LookasideConfig>;
}

export async function registriesDPath(explicit: string | undefined, env: Record<string, string | undefined>): Promise<string> {
  if (explicit) return explicit;
  const user = path.join(env.HOME || os.homedir(), '.config/containers/registries.d');
  try {
    await fs.stat(user);
    return user;
  } catch {
    return SYSTEM_REGISTRIES_D;
  }
}

function lookaside(v: unknown): LookasideConfig {
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const s = (k: string) => (typeof o[k] === 'string' ? o[k] : undefined);
  return { lookaside: s('lookaside'), sigstore: s('sigstore') };
}

/** Pure: merge parsed files (name → document). */
export function mergeRegistriesD(files: ReadonlyArray<{ file: string; doc: unknown }>): RegistriesD {
  const out: RegistriesD = { defaultDocker: undefined, docker: new Map() };
  let defaultFrom = '';
  const from = new Map<string, string>();
  for (const { file, doc } of files) {
    if (typeof doc !== 'object' || doc === null) continue;
    const d = doc as Record<string, unknown>;
    if (d['default-docker'] !== undefined && d['default-docker'] !== null) {
      if (out.defaultDocker) throw new TscRunError(`error parsing signature storage configuration: "default-docker" defined both in "${defaultFrom}" and "${file}"`);
      out.defaultDocker = lookaside(d['default-docker']);
      defaultFrom = file;
    }
    const docker = d.docker;
    if (typeof docker === 'object' && docker !== null) {
      for (const [ns, v] of Object.entries(docker)) {
        if (out.docker.has(ns)) throw new TscRunError(`error parsing signature storage configuration: "docker" namespace "${ns}" defined both in "${from.get(ns)}" and "${file}"`);
        out.docker.set(ns, lookaside(v));
        from.set(ns, file);
      }
    }
  }
  return out;
}

export async function readRegistriesD(dir: string): Promise<RegistriesD> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return { defaultDocker: undefined, docker: new Map() };
    throw new TscRunError(`open ${dir}: ${(err as Error).message}`, undefined, { cause: err });
  }
  const files: Array<{ file: string; doc: unknown }> = [];
  for (const n of names.filter((n) => n.endsWith('.yaml'))) {
    const file = path.join(dir, n);
    try {
      files.push({ file, doc: parse(await fs.readFile(file, 'utf8')) as unknown });
    } catch (err) {
      throw new TscRunError(`parsing ${file}: ${(err as Error).message.split('\n')[0]}`, undefined, { cause: err });
    }
  }
  return mergeRegistriesD(files);
}

/** The lookaside location for a policy scope, as podman's trust show finds it ("" scope: the default only). */
export function lookasideFor(conf: RegistriesD, scope: string): string | undefined {
  let entry: LookasideConfig | undefined;
  if (scope !== '') {
    let s = scope;
    for (;;) {
      entry = conf.docker.get(s);
      if (entry) break;
      const slash = s.lastIndexOf('/');
      if (slash < 0) break;
      s = s.slice(0, slash);
    }
  }
  entry ??= conf.defaultDocker;
  if (!entry) return undefined;
  return entry.lookaside || entry.sigstore || undefined;
}
