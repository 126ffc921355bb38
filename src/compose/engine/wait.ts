// `up --wait`: every started container running, and healthy where its
// service has a healthcheck, within --wait-timeout.

import { ComposeError } from '../errors.js';
import { parseDuration } from '../durations.js';
import { observe, waitHealthy } from './health.js';
import type { ProjectContainer } from './state.js';
import type { ComposeContext } from './up.js';

export async function waitRunning(ctx: ComposeContext, cs: readonly ProjectContainer[], timeout: string | undefined): Promise<void> {
  const ms = timeout === undefined ? undefined : parseDuration(timeout);
  if (timeout !== undefined && ms === undefined) throw new ComposeError(`invalid --wait-timeout ${JSON.stringify(timeout)}`);
  const work = Promise.all(
    cs.map(async (c) => {
      const o = await observe(ctx.engine, c.id);
      if (o.status !== 'running') throw new ComposeError(`container ${c.name} exited (${o.exitCode})`);
      if (o.hasCheck) {
        ctx.progress('Container', c.name, 'Waiting');
        await waitHealthy(ctx.engine, c.id, c.name);
        ctx.progress('Container', c.name, 'Healthy');
      }
    }),
  );
  if (ms === undefined) return void (await work);
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ComposeError(`timeout waiting for the project to be running and healthy`)), ms / 1e6);
  });
  try {
    await Promise.race([work, t]);
  } finally {
    clearTimeout(timer);
  }
}
