// `network ls --filter` and `network prune --filter`, podman 4.3's keys:
// name and id (regular expressions), driver, label / label! (key or
// key=value, all must match), until (created before), dangling (used by no
// container; ls only). Values of one key are alternatives; keys combine.
// Pure.

import { UsageError } from '../../errors.js';
import { parseInputTime } from '../../format/time-input.js';
import type { NetworkConfig } from './network-config.js';

export type NetworkFilters = Map<string, string[]>;

const LS_KEYS = ['name', 'id', 'driver', 'label', 'label!', 'until', 'dangling'];
const PRUNE_KEYS = ['label', 'label!', 'until'];

export function parseNetworkFilters(raw: readonly string[], prune: boolean): NetworkFilters {
  const out: NetworkFilters = new Map();
  for (const f of raw) {
    const eq = f.indexOf('=');
    if (eq < 0) throw new UsageError(`invalid filter ${JSON.stringify(f)}`);
    const key = f.slice(0, eq).toLowerCase();
    const value = f.slice(eq + 1);
    if (!(prune ? PRUNE_KEYS : LS_KEYS).includes(key)) throw new UsageError(`invalid filter ${JSON.stringify(key)}`);
    if (key === 'name' || key === 'id') {
      try {
        new RegExp(value);
      } catch {
        throw new UsageError(`invalid regular expression in ${key} filter: ${JSON.stringify(value)}`);
      }
    }
    if (key === 'dangling' && !/^(true|false|1|0)$/.test(value)) throw new UsageError(`invalid dangling filter value "${value}"`);
    if (key === 'until') {
      try {
        parseInputTime(value, true);
      } catch {
        throw new UsageError(`failed to parse value as time or duration: ${JSON.stringify(value)}`);
      }
    }
    out.set(key, [...(out.get(key) ?? []), value]);
  }
  return out;
}

function labelsMatch(labels: Record<string, string>, filters: readonly string[]): boolean {
  return filters.every((f) => {
    const eq = f.indexOf('=');
    if (eq < 0) return Object.hasOwn(labels, f);
    const key = f.slice(0, eq);
    return Object.hasOwn(labels, key) && labels[key] === f.slice(eq + 1);
  });
}

/** `inUse`: whether a container is attached to the network (for dangling=). */
export function networkMatches(n: NetworkConfig, filters: NetworkFilters, inUse: boolean, now: Date = new Date()): boolean {
  const labels = n.labels ?? {};
  for (const [key, values] of filters) {
    let ok: boolean;
    switch (key) {
      case 'name': ok = values.some((r) => new RegExp(r).test(n.name)); break;
      case 'id': ok = values.some((r) => new RegExp(r).test(n.id)); break;
      case 'driver': ok = values.includes(n.driver); break;
      case 'label': ok = labelsMatch(labels, values); break;
      case 'label!': ok = !labelsMatch(labels, values); break;
      case 'until': ok = values.some((u) => Date.parse(n.created) < parseInputTime(u, true, now).getTime()); break;
      case 'dangling': ok = values.some((d) => (d === 'true' || d === '1') === !inUse); break;
      default: ok = true;
    }
    if (!ok) return false;
  }
  return true;
}
