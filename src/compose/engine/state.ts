// What exists of a project now: its containers (by the com.docker.compose
// labels, from `ps -a --format json`) and volumes.

import type { Engine } from './runner.js';
import { L } from '../labels.js';

export interface ProjectContainer {
  id: string;
  name: string;
  service: string;
  number: number;
  oneoff: boolean;
  hash: string;
  /** podman's State: created, running, exited, paused, ... */
  state: string;
  status: string;
  exitCode: number;
  image: string;
  labels: Record<string, string>;
  created: number;
  /** Unix seconds of the last start (0: never). */
  startedAt?: number;
  ports: PortMapping[];
  command: string[];
}

export interface PortMapping {
  host_ip: string;
  container_port: number;
  host_port: number;
  range: number;
  protocol: string;
}

interface PsJson {
  Id: string;
  Names: string[];
  State: string;
  Status: string;
  ExitCode: number;
  Image: string;
  Labels: Record<string, string> | null;
  Created: number;
  StartedAt?: number;
  Ports: PortMapping[] | null;
  Command: string[] | null;
}

export async function projectContainers(engine: Engine, project: string | undefined): Promise<ProjectContainer[]> {
  const filter = project === undefined ? L.project : `${L.project}=${project}`;
  const out = await engine.must(['ps', '-a', '--filter', `label=${filter}`, '--format', 'json']);
  const list = JSON.parse(out || '[]') as PsJson[];
  return list
    .map((c) => {
      const labels = c.Labels ?? {};
      return {
        id: c.Id,
        name: c.Names[0] ?? c.Id.slice(0, 12),
        service: labels[L.service] ?? '',
        number: Number(labels[L.number] ?? '1'),
        oneoff: labels[L.oneoff] === 'True',
        hash: labels[L.configHash] ?? '',
        state: c.State,
        status: c.Status,
        exitCode: c.ExitCode,
        image: c.Image,
        labels,
        created: c.Created,
        startedAt: c.StartedAt ?? 0,
        ports: c.Ports ?? [],
        command: c.Command ?? [],
      };
    })
    .sort((a, b) => (a.service === b.service ? a.number - b.number : a.service < b.service ? -1 : 1));
}

export interface ProjectVolume {
  name: string;
  labels: Record<string, string>;
}

export async function existingVolumes(engine: Engine): Promise<Map<string, ProjectVolume>> {
  const out = await engine.must(['volume', 'ls', '--format', 'json']);
  const list = JSON.parse(out || '[]') as Array<{ Name: string; Labels: Record<string, string> | null }>;
  return new Map(list.map((v) => [v.Name, { name: v.Name, labels: v.Labels ?? {} }]));
}
