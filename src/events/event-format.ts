// How `events` prints one event, as podman 4.3 does: its human line
// (`2026-11-22 11:58:22.123456789 +0000 UTC container start ID (image=..., name=...)`),
// the stored JSON for `--format json`, or a Go template over the event's
// fields (Time as a Go time). Pure.

import { GoTime } from '../format/go-time.js';
import type { EngineEvent } from './event.js';

/** The fields a --format template sees (podman's events.Event). */
export function templateView(e: EngineEvent): Record<string, unknown> {
  return {
    ContainerExitCode: e.ContainerExitCode ?? 0,
    ID: e.ID ?? '',
    Image: e.Image ?? '',
    Name: e.Name ?? '',
    Status: e.Status,
    Time: GoTime.parseOrZero(e.Time),
    Type: e.Type,
    Attributes: e.Attributes ?? {},
  };
}

export function humanLine(e: EngineEvent, truncate: boolean): string {
  const time = GoTime.parseOrZero(e.Time).toString();
  const id = truncate ? (e.ID ?? '').slice(0, 12) : (e.ID ?? '');
  switch (e.Type) {
    case 'container':
    case 'pod': {
      // Go ranges over a map in random order; sorted is as good and stable.
      const attrs = Object.entries(e.Attributes ?? {})
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => `, ${k}=${v}`)
        .join('');
      return `${time} ${e.Type} ${e.Status} ${id} (image=${e.Image ?? ''}, name=${e.Name ?? ''}${attrs})`;
    }
    case 'image':
      return `${time} ${e.Type} ${e.Status} ${id} ${e.Name ?? ''}`;
    case 'network':
      return `${time} ${e.Type} ${e.Status} ${id} (container=${id}, name=${e.Name ?? ''})`;
    case 'system':
      return e.Name ? `${time} ${e.Type} ${e.Status} ${e.Name}` : `${time} ${e.Type} ${e.Status}`;
    default:
      return `${time} ${e.Type} ${e.Status} ${e.Name ?? ''}`;
  }
}

export function jsonLine(e: EngineEvent): string {
  return JSON.stringify(e);
}
