// How `events` prints one event, as podman 4.3 does: its human line
// (`2026-11-22 11:58:22.123456789 +0000 UTC container start ID (image=..., name=...)`),
// the stored JSON for `--format json`, or a Go template over the event's
// fields (Time as a Go time). Pure.

import { GoTime } from '../format/go-time.js';
import { GO_FORMAT, goString } from '../format/template.js';
import type { EngineEvent } from './event.js';

/** The fields a --format template sees (podman's events.Event). */
export function templateView(e: EngineEvent): Record<string, unknown> {
  const attributes = e.Attributes ?? {};
  // The embedded events.Details struct: its ID is the event's, and Go prints it `{ID PodID map[...]}`.
  const details = { ID: e.ID ?? '', PodID: e.PodID ?? '', Attributes: attributes };
  Object.defineProperty(details, GO_FORMAT, { value: () => `{${details.ID} ${details.PodID} ${goString(attributes, false)}}`, enumerable: false });
  return {
    ContainerExitCode: e.ContainerExitCode ?? 0,
    ID: e.ID ?? '',
    Image: e.Image ?? '',
    Name: e.Name ?? '',
    Network: e.network ?? '',
    Status: e.Status,
    Time: GoTime.parseOrZero(e.Time),
    Type: e.Type,
    HealthStatus: e.health_status ?? '',
    Details: details,
    PodID: details.PodID,
    Attributes: attributes,
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
      const pod = e.PodID ? `, pod_id=${e.PodID}` : '';
      const health = e.health_status ? `, health_status=${e.health_status}` : '';
      return `${time} ${e.Type} ${e.Status} ${id} (image=${e.Image ?? ''}, name=${e.Name ?? ''}${pod}${health}${attrs})`;
    }
    case 'image':
      return `${time} ${e.Type} ${e.Status} ${id} ${e.Name ?? ''}`;
    case 'network':
      return `${time} ${e.Type} ${e.Status} ${id} (container=${id}, name=${e.network ?? ''})`;
    case 'system':
      return e.Name ? `${time} ${e.Type} ${e.Status} ${e.Name}` : `${time} ${e.Type} ${e.Status}`;
    default:
      return `${time} ${e.Type} ${e.Status} ${e.Name ?? ''}`;
  }
}

export function jsonLine(e: EngineEvent): string {
  return JSON.stringify(e);
}
