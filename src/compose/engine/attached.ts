// An attached `up`: "Attaching to ...", the logs of the attached containers
// behind their prefixes, "NAME exited with code N" for each watched
// container, until every watched container has exited (or, with
// --abort-on-container-exit, the first one); Ctrl-C stops the project, a
// second Ctrl-C kills it, as docker compose. Once stopping begins the
// logs end (docker compose cancels its log printer) and the stop gets a
// progress view of its own.

import { displayName, presenters } from '../log-prefix.js';
import { streamLogs } from './attach.js';
import { stopContainers } from './ops.js';
import type { ProjectContainer } from './state.js';
import type { ComposeContext } from './up.js';

export interface AttachedOptions {
  abort: boolean;
  /** --abort-on-container-failure: the first container to exit with a failure stops the rest. */
  abortOnFailure?: boolean | undefined;
  exitCodeFrom?: string | undefined;
  timeout?: number | undefined;
  timestamps?: boolean | undefined;
  noPrefix?: boolean | undefined;
  color?: boolean | undefined;
  /** Services whose logs are shown (attach-set.ts). */
  attach: readonly string[];
  /** Services whose containers are waited for. */
  watch: readonly string[];
  /** When up began (RFC 3339): like docker's attach, output from before (a restarted container's) is not replayed. */
  since?: string | undefined;
}

export async function attachedUp(ctx: ComposeContext, all: ProjectContainer[], o: AttachedOptions): Promise<number> {
  // up's own view stays as drawn; stopping (Ctrl-C, an abort) gets a view of its own.
  await ctx.endProgress?.('Stopping');
  const watched = all.filter((c) => o.watch.includes(c.service));
  const attached = watched.filter((c) => o.attach.includes(c.service));
  // Colours go to the attached containers first (by name), then to the others, as they register in docker compose.
  const shown = presenters(attached, { prefix: !o.noPrefix, color: o.color === true });
  const others = presenters(watched.filter((c) => !o.attach.includes(c.service)), { prefix: false, color: o.color === true });
  if (attached.length) process.stdout.write(`Attaching to ${[...shown.values()].map((p) => p.name).join(', ')}\n`);
  const logs = streamLogs(ctx.engine, attached, { follow: true, timestamps: o.timestamps, since: o.since }, undefined, shown);
  // Once stopping begins nothing more is printed of the containers (docker compose cancels its log printer):
  // the stop's progress has the terminal.
  let cancelled = false;
  let stopping: Promise<void> | undefined;
  const stopAll = () => {
    cancelled = true;
    logs.kill();
    return (stopping ??= stopContainers(ctx, all.map((c) => ({ ...c, state: 'running' })), o.timeout).catch(() => {}));
  };
  let killing: Promise<void> | undefined;
  // The second Ctrl-C: SIGKILL now. A terminal's SIGINT also reached the `stop` children (our process group): they end.
  const killAll = () =>
    (killing ??= Promise.all(
      all.map(async (c) => {
        ctx.progress('Container', c.name, 'Killing');
        await ctx.engine.capture(['kill', c.id]);
        ctx.progress('Container', c.name, 'Killed');
      }),
    ).then(() => {}));
  let interrupts = 0;
  let interrupted!: () => void;
  const onInterrupt = new Promise<void>((r) => (interrupted = r));
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write('Gracefully stopping... (press Ctrl+C again to force)\n');
      void stopAll();
      interrupted();
    } else void killAll();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const exits = watched.map(async (c) => {
      const code = Number((await ctx.engine.capture(['wait', c.id])).stdout.trim() || '0');
      // Its last lines come before its exit line (the followed stream ends by itself soon after the exit).
      const stream = logs.each.get(c.id);
      if (stream) await Promise.race([stream, new Promise((r) => setTimeout(r, 3000).unref())]);
      return { c, code };
    });
    let first: { c: ProjectContainer; code: number } | undefined;
    let aborter: { c: ProjectContainer; code: number } | undefined;
    const results: Array<{ c: ProjectContainer; code: number }> = [];
    const allExited = new Promise<void>((resolve) => {
      let left = exits.length;
      if (!left) resolve();
      for (const e of exits) {
        void e.then((r) => {
          // After Ctrl-C a `wait` ends with the terminal's SIGINT, not with its container: nothing to say.
          if (interrupts) return;
          results.push(r);
          const paint = (shown.get(r.c.id) ?? others.get(r.c.id))?.paint ?? ((s: string) => s);
          if (!first) {
            first = r;
            process.stdout.write(`${paint(`${displayName(r.c)} exited with code ${r.code}`)}\n`);
          } else if (!cancelled) process.stdout.write(`${paint(`${displayName(r.c)} exited with code ${r.code}`)}\n`);
          if (!aborter && (o.abort || (o.abortOnFailure === true && r.code !== 0))) {
            aborter = r;
            process.stderr.write('Aborting on container exit...\n');
            void stopAll();
          }
          if (--left === 0) resolve();
        });
      }
    });
    await Promise.race([allExited, onInterrupt]);
    if (!interrupts) await logs.done;
    await stopping;
    await killing;
    if (o.exitCodeFrom !== undefined && !interrupts) return results.find((r) => r.c.service === o.exitCodeFrom)?.code ?? 0;
    if (interrupts) return 130;
    if (aborter) return aborter.code;
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    logs.kill();
  }
}
