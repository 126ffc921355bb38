// The healthcheck timer without systemd: a small process of ours, started
// detached with the container, that runs the check every interval while the
// container runs and exits when it has stopped (or was started again, which
// starts a loop of its own, or its monitor died).

import { liveRecord } from '../runtime/container/container-observe.js';
import { ContainerStore } from '../storage/containers.js';
import { runHealthcheck, type HealthRunContext } from './health-run.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How often the timer looks whether its container still runs. */
const WATCH_MS = 3000;

export async function healthLoop(ctx: HealthRunContext, id: string): Promise<void> {
  const store = new ContainerStore(ctx.dataRoot);
  const first = await store.get(id);
  const h = first?.config.healthcheck;
  if (!first || !h) return;
  const startedAt = first.state.startedAt;
  const interval = h.interval / 1e6;
  let due = Date.now() + interval;
  for (;;) {
    // Woken at least every few seconds whatever the interval, so a timer
    // whose container is gone (rm, stop, a dead monitor) does not linger.
    await sleep(Math.max(0, Math.min(due - Date.now(), WATCH_MS)));
    // Reconciled with its witnesses: a container whose monitor was killed -9 still reads `running` in its record.
    const stored = await store.get(id);
    const cur = stored && liveRecord(ctx.runRoot, stored);
    if (!cur || cur.state.startedAt !== startedAt || (cur.state.status !== 'running' && cur.state.status !== 'paused')) return;
    if (Date.now() < due) continue;
    due = Date.now() + interval;
    if (cur.state.status === 'paused') continue;
    try {
      await runHealthcheck(ctx, id);
    } catch {
      // The container stopped meanwhile, or one check could not run: the next tick sees.
    }
  }
}
