// An engine event as podman's file logger stores it, one JSON object per
// line of `<root>/events.log`: the keys of podman's events.Event in its
// order (`ContainerExitCode` only when not 0, `Image` only for containers),
// `Time` as RFC 3339 with nanoseconds. `events --format json` prints these
// lines as they are. Pure constructors.

import { GoTime, rfc3339Nano } from '../format/go-time.js';

export type EventType = 'container' | 'image' | 'volume' | 'pod' | 'network' | 'system';

export interface EngineEvent {
  ContainerExitCode?: number;
  ID?: string;
  Image?: string;
  Name?: string;
  /** Network events: the network's name. */
  network?: string;
  Status: string;
  Time: string;
  Type: EventType;
  /** health_status events: the container's health. */
  health_status?: string;
  /** Events of a container in a pod: the pod's id. */
  PodID?: string;
  /** Containers: their labels (+ execID for exec events); null for images, as podman. */
  Attributes: Record<string, string> | null;
}

/** What a container event needs of a container record (ContainerRecord fits). */
export interface EventContainer {
  id: string;
  name: string;
  imageName: string;
  /** The pod's id, for a pod's member (podman's PodID). */
  pod?: string | undefined;
  config: { labels?: Readonly<Record<string, string>> | undefined };
}

/** Now, with the sub-millisecond part performance.now() knows (events of one command stay ordered). */
export function eventNow(): GoTime {
  const ms = performance.timeOrigin + performance.now();
  const whole = Math.floor(ms);
  const nanos = ((whole % 1000) + 1000) % 1000 * 1_000_000 + Math.floor((ms - whole) * 1_000_000);
  return new GoTime(whole, Math.min(nanos, 999_999_999));
}

export function containerEvent(
  c: EventContainer,
  status: string,
  o: { exitCode?: number | undefined; attributes?: Record<string, string>; healthStatus?: string; time?: GoTime } = {},
): EngineEvent {
  // Key by key: JSON.stringify keeps insertion order, which is podman's.
  const out = {} as EngineEvent;
  if (o.exitCode) out.ContainerExitCode = o.exitCode;
  out.ID = c.id;
  out.Image = c.imageName;
  out.Name = c.name;
  out.Status = status;
  out.Time = timeText(o.time);
  out.Type = 'container';
  if (o.healthStatus) out.health_status = o.healthStatus;
  if (c.pod) out.PodID = c.pod;
  out.Attributes = { ...(c.config.labels ?? {}), ...(o.attributes ?? {}) };
  return out;
}

export function imageEvent(status: string, id: string, name: string, time?: GoTime): EngineEvent {
  const out = {} as EngineEvent;
  // podman's ID is omitempty: a pull or load event has none.
  if (id) out.ID = id;
  if (name) out.Name = name;
  out.Status = status;
  out.Time = timeText(time);
  out.Type = 'image';
  out.Attributes = null;
  return out;
}

/** `network connect|disconnect`: the container's id and name, and the network (podman's newNetworkEvent). */
export function networkEvent(status: 'connect' | 'disconnect', c: { id: string; name: string }, network: string, time?: GoTime): EngineEvent {
  const out = {} as EngineEvent;
  out.ID = c.id;
  out.Name = c.name;
  out.network = network;
  out.Status = status;
  out.Time = timeText(time);
  out.Type = 'network';
  out.Attributes = null;
  return out;
}

export function volumeEvent(status: string, name: string, time?: GoTime): EngineEvent {
  const out = {} as EngineEvent;
  out.Name = name;
  out.Status = status;
  out.Time = timeText(time);
  out.Type = 'volume';
  out.Attributes = null;
  return out;
}

/** A system event (log-rotation names the events file). */
export function systemEvent(status: string, name: string, time?: GoTime): EngineEvent {
  const out = {} as EngineEvent;
  if (name) out.Name = name;
  out.Status = status;
  out.Time = timeText(time);
  out.Type = 'system';
  out.Attributes = null;
  return out;
}

function timeText(t: GoTime | undefined): string {
  const when = t ?? eventNow();
  return rfc3339Nano(when, when.nanos);
}

/** Shape check of one stored line; throws with what is wrong. */
export function parseEvent(value: unknown): EngineEvent {
  const v = value as Partial<EngineEvent> | null;
  if (!v || typeof v !== 'object') throw new Error('not an object');
  if (typeof v.Status !== 'string' || typeof v.Time !== 'string' || typeof v.Type !== 'string') throw new Error('no "Status", "Time" or "Type"');
  return v as EngineEvent;
}
