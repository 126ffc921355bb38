// Waiting for a dependency's condition (depends_on): started, healthy (its
// healthcheck's test run in the container through `exec`, polled at most
// every second, judged unhealthy only once start_period + retries *
// interval have passed without a success), or completed successfully.

import { ComposeError } from '../errors.js';
import { parseDuration } from '../durations.js';
import type { Healthcheck } from '../model.js';
import type { Engine } from './runner.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The healthcheck's test as an exec command line; undefined when there is none (or it is disabled). */
export function healthCommand(h: Healthcheck | undefined): string[] | undefined {
  if (!h || h.disable || !h.test?.length) return undefined;
  const [kind, ...rest] = h.test;
  if (kind === 'NONE') return undefined;
  if (kind === 'CMD-SHELL') return ['/bin/sh', '-c', rest.join(' ')];
  if (kind === 'CMD') return rest;
  return h.test;
}

/** One run of the check; true when it exited 0 within its timeout. */
export async function runHealthcheck(engine: Engine, container: string, h: Healthcheck): Promise<boolean> {
  const cmd = healthCommand(h)!;
  const timeoutMs = parseDuration(h.timeout ?? '30s')! / 1e6;
  const r = await engine.capture(['exec', container, ...cmd], undefined, timeoutMs);
  return r.code === 0;
}

export async function waitHealthy(engine: Engine, container: string, h: Healthcheck | undefined, isRunning: () => Promise<boolean>): Promise<void> {
  if (!healthCommand(h)) throw new ComposeError(`container ${container} has no healthcheck configured`);
  const interval = parseDuration(h!.interval ?? '30s')! / 1e6;
  const startPeriod = parseDuration(h!.start_period ?? '0s')! / 1e6;
  const retries = h!.retries ?? 3;
  const deadline = Date.now() + startPeriod + retries * interval;
  for (;;) {
    if (await runHealthcheck(engine, container, h!)) return;
    if (!(await isRunning())) throw new ComposeError(`dependency failed to start: container ${container} exited`);
    if (Date.now() > deadline) throw new ComposeError(`dependency failed to start: container ${container} is unhealthy`);
    await sleep(Math.min(interval, 1000));
  }
}
