// `volume create` flags for the local driver, podman 4.3's rules: --driver
// (only local), --opt type=, device=, o= (o's uid=/gid= set the owner of the
// volume's data; size=/inodes= need project quota, which a plain directory
// store does not have), --label. Pure.

import { TscRunError, UsageError } from '../errors.js';
import { parseLabels } from '../runtime/container/run-options.js';

export interface VolumeCreateSettings {
  driver: 'local';
  labels: Record<string, string>;
  options: Record<string, string>;
  uid?: number;
  gid?: number;
}

const LOCAL_KEYS = new Set(['type', 'device', 'o']);

function idOf(kind: 'UID' | 'GID', value: string | undefined): number {
  const lower = kind.toLowerCase();
  if (value === undefined) throw new TscRunError(`${lower} option must provide a ${kind}: invalid argument`);
  if (!/^-?\d+$/.test(value)) throw new TscRunError(`cannot convert ${kind} ${value} to integer: strconv.Atoi: parsing ${JSON.stringify(value)}: invalid syntax`);
  return Number(value);
}

/** --driver, --label and --opt of `volume create NAME`. */
export function volumeCreateSettings(name: string, driver: string | undefined, labels: readonly string[], opts: readonly string[]): VolumeCreateSettings {
  const d = driver ?? 'local';
  if (d !== 'local') {
    throw new TscRunError(`volume ${name} uses volume plugin ${d} but it could not be retrieved: no volume plugin with name ${d} available: required plugin missing`);
  }
  const out: VolumeCreateSettings = { driver: 'local', labels: parseLabels(labels), options: {} };
  for (const kv of opts) {
    const eq = kv.indexOf('=');
    const key = eq < 0 ? kv : kv.slice(0, eq);
    const value = eq < 0 ? '' : kv.slice(eq + 1);
    if (!LOCAL_KEYS.has(key)) throw new UsageError(`invalid mount option ${key} for driver 'local': invalid argument`);
    out.options[key] = value;
    if (key !== 'o') continue;
    for (const o of value.split(',')) {
      const oeq = o.indexOf('=');
      const okey = (oeq < 0 ? o : o.slice(0, oeq)).toLowerCase();
      const oval = oeq < 0 ? undefined : o.slice(oeq + 1);
      if (okey === 'uid') out.uid = idOf('UID', oval);
      else if (okey === 'gid') out.gid = idOf('GID', oval);
      else if (okey === 'size' || okey === 'inodes') {
        throw new TscRunError('volume options size and inodes not supported. Filesystem does not support Project Quota');
      }
    }
  }
  if (out.uid !== undefined) out.options.UID = String(out.uid);
  if (out.gid !== undefined) out.options.GID = String(out.gid);
  return out;
}
