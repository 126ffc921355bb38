// `events --filter KEY=VALUE`, `--since`, `--until` as podman's file reader
// applies them: values of one key are alternatives, keys must all match;
// since/until are strict (after/before). Pure.

import { GoTime } from '../format/go-time.js';
import { UsageError } from '../errors.js';
import type { EngineEvent } from './event.js';

type Predicate = (e: EngineEvent, time: GoTime) => boolean;

function byIdOrName(type: EngineEvent['Type'], value: string): Predicate {
  return (e) => e.Type === type && (e.Name === value || (e.ID ?? '').startsWith(value));
}

function predicate(key: string, value: string): Predicate {
  switch (key.toUpperCase()) {
    case 'CONTAINER':
      return byIdOrName('container', value);
    case 'EVENT':
    case 'STATUS':
      return (e) => e.Status === value;
    case 'IMAGE':
      return byIdOrName('image', value);
    case 'POD':
      return byIdOrName('pod', value);
    case 'VOLUME':
      return (e) => e.Type === 'volume' && (e.ID ?? e.Name ?? '').startsWith(value);
    case 'TYPE':
      return (e) => e.Type === value;
    case 'LABEL': {
      const eq = value.indexOf('=');
      if (eq < 0) return () => false;
      const k = value.slice(0, eq);
      const v = value.slice(eq + 1);
      return (e) => e.Attributes !== null && e.Attributes[k] === v;
    }
    default:
      throw new UsageError(`failed to parse event filters: ${key} is an invalid filter`);
  }
}

export interface EventSelection {
  filters: readonly string[];
  since?: GoTime | undefined;
  until?: GoTime | undefined;
}

export type EventMatcher = (e: EngineEvent) => boolean;

/** The matcher for the flags; podman's message for a malformed filter. */
export function eventMatcher(sel: EventSelection): EventMatcher {
  const groups = new Map<string, Predicate[]>();
  for (const f of sel.filters) {
    const eq = f.indexOf('=');
    if (eq < 0) throw new UsageError(`failed to parse event filters: ${f} is an invalid filter`);
    const key = f.slice(0, eq);
    groups.set(key, [...(groups.get(key) ?? []), predicate(key, f.slice(eq + 1))]);
  }
  const since = sel.since?.unixNano();
  const until = sel.until?.unixNano();
  return (e) => {
    const t = GoTime.parseOrZero(e.Time);
    if (since !== undefined && !(t.unixNano() > since)) return false;
    if (until !== undefined && !(t.unixNano() < until)) return false;
    for (const preds of groups.values()) if (!preds.some((p) => p(e, t))) return false;
    return true;
  };
}
