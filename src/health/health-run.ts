// One healthcheck run (`tsc-run healthcheck run CTR`, and each tick of the
// loop): the check's command through `exec` in the running container, killed
// at its timeout, the result folded into the container's record
// (state.health, reset by every start), a health_status event, and the
// --health-on-failure action when it turns unhealthy.

import { ComposeError } from '../compose/errors.js';
import { selfEngine } from '../compose/engine/runner.js';
import { TscRunError } from '../errors.js';
import { emitContainer } from '../events/emit.js';
import { ContainerStore, NoSuchContainerError } from '../storage/containers.js';
import { healthArgv, healthLogOutput, nextHealth, type HealthState } from './health-config.js';

export interface HealthRunContext {
  dataRoot: string;
  runRoot: string;
  /** Global flags for the engine we spawn (--root, --runroot). */
  globals: string[];
}

export async function runHealthcheck(ctx: HealthRunContext, nameOrId: string): Promise<HealthState> {
  const store = new ContainerStore(ctx.dataRoot);
  const rec = await store.lookup(nameOrId).catch((err: unknown) => {
    throw err instanceof NoSuchContainerError ? new TscRunError(`unable to look up ${nameOrId} to perform a health check: ${err.message}`, undefined, { cause: err }) : err;
  });
  const h = rec.config.healthcheck;
  if (!h) throw new TscRunError(`container ${rec.name} has no defined healthcheck`);
  const engine = selfEngine(ctx.globals);
  const state = (await engine.capture(['inspect', '--format', '{{.State.Status}}', rec.id])).stdout.trim();
  if (state !== 'running') throw new TscRunError(`container ${rec.name} is not running`);
  const start = new Date();
  // A check that hangs is killed at its timeout (the exec client; its process in the container goes with the next stop).
  const r = await engine.capture(['exec', rec.id, ...healthArgv(h)], undefined, h.timeout / 1e6);
  const end = new Date();
  const result = r.timedOut
    ? { ok: false, exitCode: -1, output: `Health check exceeded timeout (${h.timeout / 1e9}s)` }
    : { ok: r.code === 0, exitCode: r.code, output: healthLogOutput(r.stdout + r.stderr) };
  let before: HealthState | undefined;
  let after: HealthState | undefined;
  await store.update(rec.id, (cur) => {
    if (cur.state.status !== 'running' || cur.state.startedAt !== rec.state.startedAt) return;
    const st = cur.state;
    before = st.health;
    after = nextHealth(st.health, h, { ...result, start, end }, new Date(cur.state.startedAt ?? start.toISOString()));
    st.health = after;
  }, { durable: false });
  if (!after) throw new ComposeError(`container ${rec.name} stopped during its healthcheck`);
  if (before?.Status !== after.Status) emitContainer(ctx.dataRoot, rec, 'health_status', { healthStatus: after.Status });
  if (after.Status === 'unhealthy' && before?.Status !== 'unhealthy' && h.onFailure !== 'none') {
    // A pod member's restart must not outrun a `pod stop` begun meanwhile (src/pod/pod-member.ts).
    const env = h.onFailure === 'restart' && rec.pod ? { TSC_RUN_HEALTH_RESTART_SINCE: start.toISOString() } : undefined;
    await engine.capture([h.onFailure, rec.id], undefined, undefined, env);
  }
  return after;
}
