// `volume ls --filter` and `volume prune --filter`, podman 4.3's keys and
// messages: name (regex), driver, scope, label (key or key=value; every one
// must match), opt (key or key=value), until (created before), dangling
// (used by no container). Values of one key are alternatives, keys combine.
// Pure.

import { UsageError } from '../errors.js';
import { parseInputTime } from '../format/time-input.js';
import type { VolumeRecord } from '../storage/volume-types.js';

export type VolumeFilters = Map<string, string[]>;

const KEYS = ['name', 'driver', 'scope', 'label', 'opt', 'until', 'dangling'];

export function parseVolumeFilters(raw: readonly string[]): VolumeFilters {
  const out: VolumeFilters = new Map();
  for (const f of raw) {
    const eq = f.indexOf('=');
    if (eq < 0) throw new UsageError(`filter input must be in the form of filter=value: ${f} is invalid`);
    const key = f.slice(0, eq);
    const value = f.slice(eq + 1);
    if (!KEYS.includes(key)) throw new UsageError(`${JSON.stringify(key)} is an invalid volume filter`);
    if (key === 'dangling' && value !== 'true' && value !== 'false') {
      throw new UsageError(`${JSON.stringify(value)} is not a valid value for the "dangling" filter - must be true or false`);
    }
    if (key === 'name') {
      try {
        new RegExp(value);
      } catch {
        throw new UsageError(`invalid regular expression in name filter: ${JSON.stringify(value)}`);
      }
    }
    if (key === 'until') parseInputTime(value, true);
    out.set(key, [...(out.get(key) ?? []), value]);
  }
  return out;
}

function kvMatches(map: Record<string, string>, filter: string): boolean {
  const eq = filter.indexOf('=');
  if (eq < 0) return Object.hasOwn(map, filter);
  const key = filter.slice(0, eq);
  return Object.hasOwn(map, key) && map[key] === filter.slice(eq + 1);
}

/** `inUse`: whether a container uses the volume (for dangling=). */
export function volumeMatches(v: VolumeRecord, filters: VolumeFilters, inUse: boolean, now: Date = new Date()): boolean {
  for (const [key, values] of filters) {
    let ok: boolean;
    switch (key) {
      case 'name': ok = values.some((r) => new RegExp(r).test(v.name)); break;
      case 'driver': ok = values.includes(v.driver); break;
      case 'scope': ok = values.includes('local'); break;
      case 'label': ok = values.every((f) => kvMatches(v.labels, f)); break;
      case 'opt': ok = values.some((f) => kvMatches(v.options, f)); break;
      case 'until': ok = values.some((u) => Date.parse(v.createdAt) < parseInputTime(u, true, now).getTime()); break;
      case 'dangling': ok = values.some((d) => (d === 'true') === !inUse); break;
      default: ok = true;
    }
    if (!ok) return false;
  }
  return true;
}
