// How `inspect` shows a container's mounts, as podman 4.3: `Mounts` (volumes
// first, then binds; tmpfs mounts are not listed), `HostConfig.Binds`
// (`SRC:DEST:OPTIONS`) and `HostConfig.Tmpfs` (DEST → options). Pure.

import { isPropagation } from './mount-options.js';
import type { ContainerMount } from '../storage/volume-types.js';

export interface InspectMount {
  Type: 'volume' | 'bind';
  Name?: string;
  Source: string;
  Destination: string;
  Driver: string;
  Mode: string;
  Options: string[];
  RW: boolean;
  Propagation: string;
}

type Bound = Exclude<ContainerMount, { type: 'tmpfs' }>;

function bound(mounts: readonly ContainerMount[] | undefined): Bound[] {
  const all = (mounts ?? []).filter((m): m is Bound => m.type !== 'tmpfs');
  return [...all.filter((m) => m.type === 'volume'), ...all.filter((m) => m.type === 'bind')];
}

export function inspectMounts(mounts: readonly ContainerMount[] | undefined): InspectMount[] {
  return bound(mounts).map((m) => {
    const o = m.options;
    const view: InspectMount = { Type: m.type, Source: m.source, Destination: m.destination, Driver: '', Mode: '', Options: [], RW: true, Propagation: 'rprivate' };
    if (m.type === 'volume') {
      view.Name = m.name;
      view.Driver = 'local';
    }
    view.Mode = o.find((x) => x === 'z' || x === 'Z') ?? '';
    view.Options = o.filter((x) => x !== 'rw' && x !== 'ro' && x !== 'z' && x !== 'Z' && !isPropagation(x));
    view.RW = !o.includes('ro');
    view.Propagation = o.find(isPropagation) ?? 'rprivate';
    // podman's key order: Name right after Type.
    const { Type, Name, ...rest } = view;
    return m.type === 'volume' ? { Type, Name, ...rest } : { Type, ...rest };
  });
}

export function inspectBinds(mounts: readonly ContainerMount[] | undefined): string[] {
  return bound(mounts).map((m) => `${m.type === 'volume' ? m.name : m.source}:${m.destination}:${m.options.join(',')}`);
}

export function inspectTmpfs(mounts: readonly ContainerMount[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of mounts ?? []) if (m.type === 'tmpfs') out[m.destination] = m.options.join(',');
  return out;
}
