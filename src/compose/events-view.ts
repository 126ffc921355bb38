// `compose events`: the engine's container events of one project, as docker
// compose v2 prints them. Its human line is
// `2006-01-02 15:04:05.000000 container ACTION ID (k=v, ...)` followed by an
// empty line (docker compose's String() ends in a newline and Println adds
// one), `--json` one object per line with time, type, service, id, action
// and attributes. Attributes are the container's labels without
// com.docker.compose.* ones plus `image` and `name`, as the docker-compatible
// event stream carries them (podman's compat API turns `died` into `die`
// with an `exitCode`). One-off (`compose run`) containers are left out. Pure.

import { L } from './labels.js';

/** One line of `tsc-run events --format json`, as far as compose reads it. */
export interface EngineEventJson {
  ID?: string;
  Image?: string;
  Name?: string;
  Status: string;
  Time: string;
  Type: string;
  ContainerExitCode?: number;
  /** health_status events: the new state (podman's HealthStatus). */
  health_status?: string;
  Attributes?: Record<string, string> | null;
}

export interface ComposeEvent {
  time: string;
  type: 'container';
  service: string;
  id: string;
  action: string;
  attributes: Record<string, string>;
}

/** The compose event for an engine event, or undefined when compose leaves it out. */
export function composeEvent(e: EngineEventJson, services: readonly string[]): ComposeEvent | undefined {
  if (e.Type !== 'container') return undefined;
  const labels = e.Attributes ?? {};
  if (labels[L.oneoff] === 'True') return undefined;
  const service = labels[L.service] ?? '';
  if (services.length && !services.includes(service)) return undefined;
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (!k.startsWith('com.docker.compose.')) attributes[k] = v;
  attributes.image = e.Image ?? '';
  attributes.name = e.Name ?? '';
  let action = e.Status;
  if (action === 'died') {
    action = 'die';
    attributes.exitCode = String(e.ContainerExitCode ?? 0);
  } else if (action === 'health_status' && e.health_status !== undefined) {
    // docker's action carries the new state.
    action = `health_status: ${e.health_status}`;
  }
  return { time: e.Time, type: 'container', service, id: e.ID ?? '', action, attributes: sortedKeys(attributes) };
}

function sortedKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** `2026-12-05T05:32:42.5626Z` → `2026-12-05 05:32:42.562600` (the timestamp's own zone, as Go's Format). */
export function eventTime(rfc3339: string): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.(\d+))?/.exec(rfc3339);
  if (!m) return rfc3339;
  return `${m[1]} ${m[2]}.${(m[3] ?? '').padEnd(6, '0').slice(0, 6)}`;
}

/** docker compose's human form, with its trailing empty line. */
export function eventText(ev: ComposeEvent): string {
  const attrs = Object.entries(ev.attributes).map(([k, v]) => `${k}=${v}`).join(', ');
  return `${eventTime(ev.time)} container ${ev.action} ${ev.id} (${attrs})\n\n`;
}

/** `--json`: keys in Go's order for a map (sorted), one object per line. */
export function eventJson(ev: ComposeEvent): string {
  return `${JSON.stringify({ action: ev.action, attributes: ev.attributes, id: ev.id, service: ev.service, time: ev.time, type: ev.type })}\n`;
}
