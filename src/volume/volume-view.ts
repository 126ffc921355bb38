// How volumes look to `volume inspect` and `volume ls`, podman 4.3's
// InspectVolumeData: same keys, same order, omitempty where podman omits
// (Status, UID, GID, Anonymous, NeedsCopyUp, NeedsChown, Timeout). CreatedAt
// is a Go time (RFC 3339 in JSON, Go's String() in templates). Pure.

import { GoTime } from '../format/go-time.js';
import { NIL_MAP, withGoFields } from '../format/go-fields.js';
import type { VolumeRecord } from '../storage/volume-types.js';

export interface VolumeView {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt: GoTime;
  Labels: Record<string, string>;
  Scope: string;
  Options: Record<string, string>;
  UID?: number;
  GID?: number;
  Anonymous?: boolean;
  MountCount: number;
  NeedsCopyUp?: boolean;
  NeedsChown?: boolean;
}

function sorted(m: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The inspect/JSON object (omitempty fields left out). */
export function volumeView(v: VolumeRecord, mountpoint: string): VolumeView {
  const out: VolumeView = {
    Name: v.name,
    Driver: v.driver,
    Mountpoint: mountpoint,
    CreatedAt: GoTime.parseOrZero(v.createdAt),
    Labels: sorted(v.labels),
    Scope: 'local',
    Options: sorted(v.options),
    MountCount: 0,
  };
  if (v.uid) out.UID = v.uid;
  if (v.gid) out.GID = v.gid;
  if (v.anonymous) out.Anonymous = true;
  // Key order: UID, GID, Anonymous come before MountCount in podman's struct.
  const { MountCount, ...head } = out;
  const ordered: VolumeView = { ...head, MountCount };
  if (v.needsCopyUp) ordered.NeedsCopyUp = true;
  if (v.needsChown) ordered.NeedsChown = true;
  return ordered;
}

export type VolumeRow = VolumeView & Required<Pick<VolumeView, 'UID' | 'GID' | 'Anonymous' | 'NeedsCopyUp' | 'NeedsChown'>>;

/**
 * A volume for templates and JSON alike: every field present, as Go's
 * struct has them (`{{.Anonymous}}` is false, not an error), while its JSON
 * (toJSON, not enumerable) leaves out what podman omits.
 */
export function volumeRow(v: VolumeRecord, mountpoint: string): VolumeRow {
  const view = volumeView(v, mountpoint);
  const row: VolumeRow = { UID: 0, GID: 0, Anonymous: false, NeedsCopyUp: false, NeedsChown: false, ...view };
  Object.defineProperty(row, 'toJSON', { value: () => view, enumerable: false });
  // Status is a nil map, Timeout 0 and StorageID empty for a local volume: omitted from JSON, readable in a template.
  return withGoFields(row, { Status: NIL_MAP, Timeout: 0, StorageID: '' });
}

/**
 * JSON as podman 4.3's `volume ls --format json` prints it (json-iterator's
 * MarshalIndent with two spaces): like JSON.stringify, except that an empty
 * object is written open, `{` newline, an indented empty line, `}`.
 */
export function jsoniterIndent(value: unknown, indent = '  '): string {
  const walk = (v: unknown, pad: string): string => {
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      v = (v as { toJSON: () => unknown }).toJSON();
    }
    if (Array.isArray(v)) {
      if (!v.length) return '[]';
      const inner = pad + indent;
      return `[\n${v.map((x) => inner + walk(x, inner)).join(',\n')}\n${pad}]`;
    }
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
      const inner = pad + indent;
      if (!entries.length) return `{\n${inner}\n${pad}}`;
      return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${walk(x, inner)}`).join(',\n')}\n${pad}}`;
    }
    return JSON.stringify(v) ?? 'null';
  };
  return walk(value, '');
}
