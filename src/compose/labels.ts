// docker compose v2's names and labels, so tools that read them work:
// containers PROJECT-SERVICE-N, com.docker.compose.* labels, and the config
// hash that tells `up` whether a service changed. Pure.

import { createHash } from 'node:crypto';
import type { Service } from './model.js';

export const L = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
  configHash: 'com.docker.compose.config-hash',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  version: 'com.docker.compose.version',
  dependsOn: 'com.docker.compose.depends_on',
  image: 'com.docker.compose.image',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
} as const;

/** The compose version we say we implement in labels and `compose version`. */
export const COMPOSE_VERSION = '2.24.0';

/** sha256 of the service's config without what does not change a container (scale, build, pull_policy). */
export function serviceHash(s: Service): string {
  const o: Record<string, unknown> = { ...s };
  delete o.build;
  delete o.pull_policy;
  delete o.scale;
  delete o.profiles;
  if (o.deploy && typeof o.deploy === 'object') {
    const d = { ...(o.deploy as Record<string, unknown>) };
    delete d.replicas;
    o.deploy = d;
  }
  return createHash('sha256').update(stableJson(o)).digest('hex');
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function containerName(project: string, service: string, n: number, s?: Service, sep = '-'): string {
  return s?.container_name ?? `${project}${sep}${service}${sep}${n}`;
}
