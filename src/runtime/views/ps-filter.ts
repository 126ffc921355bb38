// `ps --filter KEY=VALUE` (also `container prune --filter`), as podman 4.3
// evaluates them: values of one key are alternatives (OR), different keys
// must all match (AND), and every `label=` must match. Pure.

import { UsageError } from '../../errors.js';
import type { ContainerSummary } from '../../storage/containers.js';
import { parseInputTime } from '../../format/time-input.js';

export type PsFilters = Map<string, string[]>;

export const PS_FILTER_KEYS = ['id', 'name', 'status', 'label', 'ancestor', 'exited', 'before', 'since', 'until', 'pod', 'health', 'restart-policy'] as const;

/** podman's RestartPolicyMap: `none` is a container created without --restart. */
const RESTART_POLICIES = ['none', 'no', 'on-failure', 'always', 'unless-stopped'];

/** States `status=` accepts (podman's define.ContainerStatus names). */
const STATES = ['created', 'configured', 'running', 'paused', 'stopping', 'stopped', 'exited', 'removing', 'unknown'];

/** Parse repeated `--filter K=V` flags; podman's messages for malformed ones. */
export function parsePsFilters(raw: readonly string[], allowed: readonly string[] = PS_FILTER_KEYS): PsFilters {
  const out: PsFilters = new Map();
  for (const f of raw) {
    const eq = f.indexOf('=');
    if (eq < 0) throw new UsageError(`invalid filter ${JSON.stringify(f)}`);
    const key = f.slice(0, eq);
    const value = f.slice(eq + 1);
    if (!allowed.includes(key)) throw new UsageError(`${key} is an invalid filter`);
    if (key === 'status' && !STATES.includes(value)) {
      throw new UsageError(`unknown container state: ${value}: invalid argument`);
    }
    if (key === 'exited' && !/^-?\d+$/.test(value)) throw new UsageError(`exited code out of range ${JSON.stringify(value)}`);
    if (key === 'name') compileRegex(value);
    out.set(key, [...(out.get(key) ?? []), value]);
  }
  const bad = (out.get('restart-policy') ?? []).filter((v) => !RESTART_POLICIES.includes(v));
  if (bad.length) throw new UsageError(`${bad.join(', ')} invalid restart polic${bad.length > 1 ? 'ies' : 'y'}`);
  return out;
}

/** Go's regexp is RE2; JS RegExp agrees on everything scripts put in a name filter. */
function compileRegex(src: string): RegExp {
  try {
    return new RegExp(src);
  } catch {
    throw new UsageError(`invalid regular expression in name filter: ${JSON.stringify(src)}`);
  }
}

export interface FilterContext {
  /** Every container, to resolve `before=`/`since=` names and ids. */
  all: readonly ContainerSummary[];
  /** Pod id → name, for `pod=` (a pod's id prefix or name). */
  podNames?: ReadonlyMap<string, string>;
}

function resolveRef(ctx: FilterContext, ref: string): ContainerSummary {
  const hit = ctx.all.find((c) => c.id === ref || c.name === ref) ?? ctx.all.find((c) => c.id.startsWith(ref));
  if (!hit) throw new UsageError(`no container with name or ID ${JSON.stringify(ref)} found: no such container`);
  return hit;
}

function statusMatches(rec: ContainerSummary, want: string): boolean {
  const s = rec.state.status;
  if (want === 'configured') return s === 'created';
  if (want === 'stopped') return s === 'exited';
  return s === want;
}

/** podman 4.3's ancestor rule: the image id, the full image name, or name-without-tag when the tag is latest. */
function ancestorMatches(rec: ContainerSummary, want: string): boolean {
  if (rec.image === want || rec.imageName === want) return true;
  const colon = rec.imageName.lastIndexOf(':');
  const slash = rec.imageName.lastIndexOf('/');
  if (colon > slash) {
    return rec.imageName.slice(0, colon) === want && rec.imageName.slice(colon + 1) === 'latest';
  }
  return false;
}

function labelMatches(rec: ContainerSummary, want: string): boolean {
  const labels = rec.config.labels ?? {};
  const eq = want.indexOf('=');
  if (eq < 0) return Object.hasOwn(labels, want);
  return labels[want.slice(0, eq)] === want.slice(eq + 1);
}

function createdMs(rec: ContainerSummary): number {
  return Date.parse(rec.created);
}

/** Whether rec passes every filter (records come in reconciled). */
export function matchesFilters(rec: ContainerSummary, filters: PsFilters, ctx: FilterContext): boolean {
  for (const [key, values] of filters) {
    let ok: boolean;
    switch (key) {
      case 'id':
        ok = values.some((v) => rec.id.startsWith(v));
        break;
      case 'name':
        ok = values.some((v) => compileRegex(v).test(rec.name));
        break;
      case 'status':
        ok = values.some((v) => statusMatches(rec, v));
        break;
      case 'label':
        ok = values.every((v) => labelMatches(rec, v));
        break;
      case 'ancestor':
        ok = values.some((v) => ancestorMatches(rec, v));
        break;
      case 'exited':
        ok = rec.state.status === 'exited' && values.some((v) => Number(v) === (rec.state.exitCode ?? 0));
        break;
      case 'before':
        ok = values.some((v) => createdMs(rec) < createdMs(resolveRef(ctx, v)));
        break;
      case 'since':
        ok = values.some((v) => createdMs(rec) > createdMs(resolveRef(ctx, v)));
        break;
      case 'until':
        ok = values.some((v) => createdMs(rec) < untilMs(v));
        break;
      case 'health':
        // podman: healthy, unhealthy, starting (a running container with a check and no result yet), none.
        ok = values.some((v) => (rec.config.healthcheck ? (rec.state.status === 'running' ? (rec.state.health?.Status ?? 'starting') : '') : 'none') === v);
        break;
      case 'restart-policy':
        // The record keeps no difference between no --restart (podman's "none") and --restart=no: both match both.
        ok = values.some((v) => (rec.config.restartPolicy?.name ?? 'no') === (v === 'none' ? 'no' : v));
        break;
      case 'pod':
        ok = rec.pod !== undefined && values.some((v) => rec.pod!.startsWith(v) || ctx.podNames?.get(rec.pod!) === v);
        break;
      default:
        ok = true;
    }
    if (!ok) return false;
  }
  return true;
}

/** `until=` of prune: a time as logs --since reads it (a duration counts back from now). */
function untilMs(v: string): number {
  return parseInputTime(v, true).getTime();
}
