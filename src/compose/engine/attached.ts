// An attached `up`: the containers' logs, prefixed, until every container
// has exited (or, with --abort-on-container-exit, the first one); Ctrl-C
// stops the project, a second Ctrl-C kills it, as docker compose.

import { streamLogs } from './attach.js';
import { stopContainers } from './ops.js';
import type { ProjectContainer } from './state.js';
import type { ComposeContext } from './up.js';

export interface AttachedOptions {
  abort: boolean;
  exitCodeFrom?: string | undefined;
  timeout?: number | undefined;
  timestamps?: boolean | undefined;
  noPrefix?: boolean | undefined;
}

export async function attachedUp(ctx: ComposeContext, cs: ProjectContainer[], o: AttachedOptions): Promise<number> {
  const logs = streamLogs(ctx.engine, cs, { follow: true, timestamps: o.timestamps, noPrefix: o.noPrefix });
  let stopping: Promise<void> | undefined;
  const stopAll = () => (stopping ??= stopContainers(ctx, cs.map((c) => ({ ...c, state: 'running' })), o.timeout).catch(() => {}));
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write('Gracefully stopping... (press Ctrl+C again to force)\n');
      void stopAll();
    } else {
      for (const c of cs) void ctx.engine.capture(['kill', c.id]);
    }
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const exits = cs.map(async (c) => {
      const code = Number((await ctx.engine.capture(['wait', c.id])).stdout.trim() || '0');
      return { c, code };
    });
    let first: { c: ProjectContainer; code: number } | undefined;
    const results: Array<{ c: ProjectContainer; code: number }> = [];
    await new Promise<void>((resolve) => {
      let left = exits.length;
      if (!left) resolve();
      for (const e of exits) {
        void e.then((r) => {
          results.push(r);
          process.stdout.write(`${r.c.oneoff ? r.c.name : `${r.c.service}-${r.c.number}`} exited with code ${r.code}\n`);
          if (!first) {
            first = r;
            if (o.abort) {
              process.stderr.write('Aborting on container exit...\n');
              void stopAll();
            }
          }
          if (--left === 0) resolve();
        });
      }
    });
    await logs.done;
    await stopping;
    if (o.exitCodeFrom !== undefined) return results.find((r) => r.c.service === o.exitCodeFrom)?.code ?? 0;
    if (o.abort && first) return first.code;
    return interrupts ? 130 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    logs.kill();
  }
}
