// `compose volumes`: the project's volumes (those of the named services'
// running containers) as docker's `volume ls` formatter prints them. Pure.

import { dockerList } from './docker-format.js';

export interface VolumeInfo {
  Name: string;
  Driver: string;
  Mountpoint: string;
  Scope: string;
  Labels: Record<string, string> | null;
}

/** docker's volume context: cluster-only fields are N/A, labels `k=v,...`. */
export function volumeRow(v: VolumeInfo): Record<string, string> {
  return {
    Availability: 'N/A',
    Driver: v.Driver,
    Group: 'N/A',
    Labels: Object.entries(v.Labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, val]) => `${k}=${val}`).join(','),
    Links: 'N/A',
    Mountpoint: v.Mountpoint,
    Name: v.Name,
    Scope: v.Scope || 'local',
    Size: 'N/A',
    Status: 'N/A',
  };
}

/** The volumes to list: all the project's, or those the given services' containers mount. */
export function serviceVolumes(all: readonly VolumeInfo[], mounted: ReadonlySet<string> | undefined): VolumeInfo[] {
  return mounted === undefined ? [...all] : all.filter((v) => mounted.has(v.Name));
}

export function volumesOutput(vs: readonly VolumeInfo[], format: string | undefined): string {
  return dockerList(vs.map(volumeRow), format, { table: 'table {{.Driver}}\t{{.Name}}', headers: { Name: 'VOLUME NAME', Driver: 'DRIVER', Mountpoint: 'MOUNTPOINT', Labels: 'LABELS', Scope: 'SCOPE', Size: 'SIZE' } });
}
