// `pod ps --filter` (podman's GeneratePodFilterFunc): the same key ORs its
// values, different keys AND. Pure.

import { UsageError } from '../errors.js';
import type { ContainerRecord } from '../storage/containers.js';
import type { PodRecord } from './pod-store.js';
import { memberState, podStatus } from './pod-views.js';

const STATUSES = ['stopped', 'running', 'paused', 'exited', 'dead', 'created', 'degraded'];
const CTR_STATUSES = ['created', 'running', 'paused', 'stopped', 'exited', 'unknown'];

type Test = (pod: PodRecord, members: readonly ContainerRecord[]) => boolean;

function wildcard(pattern: string, s: string): boolean {
  try {
    return new RegExp(pattern).test(s);
  } catch {
    return s === pattern;
  }
}

function labelMatch(labels: Record<string, string>, want: string): boolean {
  const i = want.indexOf('=');
  if (i < 0) return want in labels;
  return labels[want.slice(0, i)] === want.slice(i + 1);
}

function testFor(key: string, value: string): Test {
  switch (key) {
    case 'id':
      return (p) => p.id.startsWith(value) || wildcard(value, p.id);
    case 'name':
      return (p) => wildcard(value, p.name);
    case 'label':
      return (p) => labelMatch(p.labels, value);
    case 'label!':
      return (p) => !labelMatch(p.labels, value);
    case 'status':
      if (!STATUSES.includes(value)) throw new UsageError(`${value} is not a valid status`);
      return (p, m) => podStatus(m).toLowerCase() === value;
    case 'ctr-names':
      return (_p, m) => m.some((c) => wildcard(value, c.name));
    case 'ctr-ids':
      return (_p, m) => m.some((c) => c.id.startsWith(value));
    case 'ctr-number': {
      const n = Number(value);
      if (!Number.isInteger(n)) throw new UsageError(`strconv.Atoi: parsing ${JSON.stringify(value)}: invalid syntax`);
      return (_p, m) => m.length === n;
    }
    case 'ctr-status':
      if (!CTR_STATUSES.includes(value)) throw new UsageError(`${value} is not a valid status`);
      return (_p, m) => m.some((c) => memberState(c.state.status) === value);
    default:
      throw new UsageError(`${key} is an invalid filter`);
  }
}

export function podFilter(filters: readonly string[]): Test {
  const byKey = new Map<string, Test[]>();
  for (const f of filters) {
    const i = f.indexOf('=');
    if (i < 0) throw new UsageError(`invalid filter "${f}"`);
    const key = f.slice(0, i);
    (byKey.get(key) ?? byKey.set(key, []).get(key)!).push(testFor(key, f.slice(i + 1)));
  }
  return (p, m) => [...byKey.values()].every((tests) => tests.some((t) => t(p, m)));
}
