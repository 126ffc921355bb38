// Pod events (podman's newPodEvent): ID, Name, Status, Time, Type "pod".

import { eventNow, type EngineEvent } from '../events/event.js';
import { appendEvent } from '../events/event-log.js';
import { rfc3339Nano } from '../format/go-time.js';

function now(): string {
  const t = eventNow();
  return rfc3339Nano(t, t.nanos);
}

export function podEvent(pod: { id: string; name: string }, status: string): EngineEvent {
  return { ID: pod.id, Name: pod.name, Status: status, Time: now(), Type: 'pod', Attributes: null };
}

export function emitPod(dataRoot: string, pod: { id: string; name: string }, status: string): void {
  appendEvent(dataRoot, podEvent(pod, status));
}
