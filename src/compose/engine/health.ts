// Waiting for a dependency's health (depends_on: service_healthy, up
// --wait): the engine runs the healthcheck (the service's, passed as
// --health-* flags, or the image's HEALTHCHECK) from the container's own
// loop; compose only reads the state it records, as docker compose reads
// the daemon's.

import { ComposeError } from '../errors.js';
import type { Engine } from './runner.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface InspectJson {
  State?: { Status?: string; ExitCode?: number; Health?: { Status?: string } };
  Config?: { Healthcheck?: { Test?: string[] } };
}

export interface Observed {
  status: string;
  exitCode: number;
  /** '' without a healthcheck; starting, healthy, unhealthy. */
  health: string;
  hasCheck: boolean;
}

export async function observe(engine: Engine, id: string): Promise<Observed> {
  const r = await engine.capture(['container', 'inspect', id]);
  if (r.code !== 0) return { status: 'removed', exitCode: 0, health: '', hasCheck: false };
  const j = (JSON.parse(r.stdout) as InspectJson[])[0] ?? {};
  return {
    status: j.State?.Status ?? '',
    exitCode: j.State?.ExitCode ?? 0,
    health: j.State?.Health?.Status ?? '',
    hasCheck: (j.Config?.Healthcheck?.Test?.length ?? 0) > 0,
  };
}

/** Resolves once the container is healthy; fails (docker compose's words) when it exits, is unhealthy or has no check. */
export async function waitHealthy(engine: Engine, id: string, name: string): Promise<void> {
  for (;;) {
    const o = await observe(engine, id);
    if (o.status !== 'running' && o.status !== 'paused') throw new ComposeError(`dependency failed to start: container ${name} exited (${o.exitCode})`);
    if (!o.hasCheck) throw new ComposeError(`dependency failed to start: container ${name} has no healthcheck configured`);
    if (o.health === 'healthy') return;
    if (o.health === 'unhealthy') throw new ComposeError(`dependency failed to start: container ${name} is unhealthy`);
    await sleep(300);
  }
}
