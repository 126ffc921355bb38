// A container's healthcheck: the run/create flags (--health-cmd,
// --health-interval, --health-retries, --health-start-period,
// --health-timeout, --health-on-failure, --no-healthcheck) into the config
// stored with the container, with podman's defaults and messages. Pure.

import { UsageError } from '../errors.js';

import type { ContainerHealthConfig, ContainerHealthState } from '../storage/containers.js';

/** test: ["CMD", ...] or ["CMD-SHELL", "..."]; durations in nanoseconds. */
export type HealthConfig = ContainerHealthConfig;
export type HealthState = ContainerHealthState;

export interface HealthFlags {
  cmd?: string | undefined;
  interval?: string | undefined;
  retries?: string | undefined;
  startPeriod?: string | undefined;
  timeout?: string | undefined;
  onFailure?: string | undefined;
  none?: boolean | undefined;
}

const UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration (nanoseconds); undefined when invalid. */
export function goDuration(s: string): number | undefined {
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let i = 0;
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * UNITS[m[2]!]!;
    i = re.lastIndex;
  }
  return s.length ? Math.round(total) : undefined;
}

function duration(flag: string, v: string | undefined, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  const ns = goDuration(v);
  if (ns === undefined) throw new UsageError(`invalid argument ${JSON.stringify(v)} for "--${flag}" flag: time: invalid duration ${JSON.stringify(v)}`);
  if (ns < min) throw new UsageError(`healthcheck-${flag.replace('health-', '')} must be at least ${min / 1e6 >= 1000 ? `${min / 1e9} second` : `${min / 1e6} milliseconds`}`);
  return ns;
}

/** --health-on-failure's value, or podman's message. */
export function parseOnFailure(v: string): HealthConfig['onFailure'] {
  if (!['none', 'kill', 'restart', 'stop'].includes(v)) throw new UsageError(`invalid on-failure action "${v}" for health check: supported actions are none,kill,restart,stop`);
  return v as HealthConfig['onFailure'];
}

/** The stored config, or undefined without --health-cmd (or with --no-healthcheck). */
export function parseHealthFlags(f: HealthFlags): HealthConfig | undefined {
  const others = [f.interval, f.retries, f.startPeriod, f.timeout].some((v) => v !== undefined);
  if (f.none) {
    if (f.cmd !== undefined || others || f.onFailure !== undefined) throw new UsageError('cannot specify both --no-healthcheck and other HealthCheck flags');
    return undefined;
  }
  if (f.cmd === undefined) {
    // podman ignores these without --health-cmd (an image's HEALTHCHECK keeps its own); we refuse rather than ignore.
    // --health-on-failure alone applies to the image's HEALTHCHECK (createContainer: healthOnFailure).
    if (others) throw new UsageError('--health-interval, --health-retries, --health-start-period and --health-timeout need --health-cmd');
    if (f.onFailure !== undefined) parseOnFailure(f.onFailure);
    return undefined;
  }
  if (f.cmd === '' || f.cmd === 'none') return undefined;
  let test: string[];
  // A JSON array is the exec form, as podman takes it; anything else runs in /bin/sh.
  try {
    const v: unknown = JSON.parse(f.cmd);
    test = Array.isArray(v) && v.every((x) => typeof x === 'string') && v.length ? (v[0] === 'CMD' || v[0] === 'CMD-SHELL' ? v : ['CMD', ...v]) : ['CMD-SHELL', f.cmd];
  } catch {
    test = ['CMD-SHELL', f.cmd];
  }
  let retries = 3;
  if (f.retries !== undefined) {
    retries = Number(f.retries);
    if (!Number.isInteger(retries) || retries < 1) throw new UsageError('healthcheck-retries must be greater than 0');
  }
  const onFailure = parseOnFailure(f.onFailure ?? 'none');
  return {
    test,
    interval: duration('health-interval', f.interval, 30e9, 1e9),
    timeout: duration('health-timeout', f.timeout, 30e9, 1e9),
    startPeriod: duration('health-start-period', f.startPeriod, 0, 0),
    retries,
    onFailure,
  };
}

/**
 * The image's HEALTHCHECK (docker's config field) as the container's, when
 * no --health-cmd or --no-healthcheck was given: zero durations and retries
 * take the defaults, `NONE` or an empty test means none (podman).
 */
export function imageHealthcheck(h: { Test?: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; Retries?: number } | undefined): HealthConfig | undefined {
  const test = h?.Test ?? [];
  if (!test.length || test[0] === 'NONE') return undefined;
  return {
    test: test[0] === 'CMD' || test[0] === 'CMD-SHELL' ? [...test] : ['CMD', ...test],
    interval: h!.Interval || 30e9,
    timeout: h!.Timeout || 30e9,
    startPeriod: h!.StartPeriod || 0,
    retries: h!.Retries || 3,
    onFailure: 'none',
  };
}

/** The command line the check runs in the container. */
export function healthArgv(h: HealthConfig): string[] {
  const [kind, ...rest] = h.test;
  if (kind === 'CMD-SHELL') return ['/bin/sh', '-c', rest.join(' ')];
  if (kind === 'CMD') return rest;
  return h.test;
}

/**
 * The state after one check: success resets the streak; failures in the
 * start period do not count; `retries` consecutive failures make it
 * unhealthy. The log keeps the last five results (podman).
 */
export function nextHealth(prev: HealthState | undefined, h: HealthConfig, r: { ok: boolean; exitCode: number; output: string; start: Date; end: Date }, startedAt: Date): HealthState {
  const s: HealthState = prev ? { ...prev, Log: [...prev.Log] } : { Status: 'starting', FailingStreak: 0, Log: [] };
  s.Log.push({ Start: r.start.toISOString(), End: r.end.toISOString(), ExitCode: r.exitCode, Output: r.output });
  if (s.Log.length > 5) s.Log.splice(0, s.Log.length - 5);
  if (r.ok) {
    s.Status = 'healthy';
    s.FailingStreak = 0;
    return s;
  }
  const inStartPeriod = r.start.getTime() - startedAt.getTime() < h.startPeriod / 1e6;
  if (inStartPeriod) return s;
  s.FailingStreak++;
  if (s.FailingStreak >= h.retries) s.Status = 'unhealthy';
  return s;
}

/** podman 4.3 keeps this many characters of a check's output in the log. */
export const MAX_HEALTH_OUTPUT = 500;

/**
 * A check's output as podman 4.3 logs it: read line by line (Go's
 * bufio.Scanner: a trailing newline ends the last line, a \r before a
 * newline goes), joined with newlines, then cut to 500 characters.
 */
export function healthLogOutput(text: string): string {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((l) => l.replace(/\r$/, '')).join('\n').slice(0, MAX_HEALTH_OUTPUT);
}
