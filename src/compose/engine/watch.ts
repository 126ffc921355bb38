// `compose watch`: the host paths of each service's develop.watch rules
// watched with inotify (fs.watch, recursive), changes gathered for half a
// second (docker compose's batch window), then, per service: `sync` copies
// each changed file into the service's running containers (`tsc-run cp`;
// a path gone from the host is removed in the container), `sync+restart`
// then restarts them, `rebuild` builds the image and recreates the
// service's containers. Runs until interrupted. `quiet` (watch --quiet,
// "hide build output") silences the progress of every rebuild, not only
// of the first up.

import fs from 'node:fs';
import path from 'node:path';
import { fileEvents, type FileEvent, type ServiceWatch } from '../watch-plan.js';
import { containersOf } from './ops.js';
import { buildService, up, type ComposeContext } from './up.js';

const BATCH_MS = 500;

export interface WatchHandle {
  /** Resolves when stopped (SIGINT/SIGTERM or stop()). */
  done: Promise<void>;
  stop: () => void;
}

export function startWatch(ctx: ComposeContext, plan: readonly ServiceWatch[], info: (s: string) => void = (s) => process.stderr.write(s), o: { quiet?: boolean | undefined } = {}): WatchHandle {
  const buildCtx: ComposeContext = o.quiet ? { ...ctx, progress: () => {} } : ctx;
  const watchers: fs.FSWatcher[] = [];
  let stop!: () => void;
  const done = new Promise<void>((resolve) => (stop = resolve));
  for (const w of plan) {
    if (!w.rules.length) continue;
    info(`Watch configuration for service "${w.service}":${w.rules.map((r) => `\n  - Action ${r.action} for path "${r.path}"`).join('')}\n`);
    let pending = new Map<string, FileEvent>();
    let timer: NodeJS.Timeout | undefined;
    // One batch at a time per service: changes during a batch wait for the next.
    let running = Promise.resolve();
    const flush = () => {
      const batch = [...pending.values()];
      pending = new Map();
      running = running.then(() => handleBatch(ctx, buildCtx, w.service, batch, info)).catch((err: unknown) => {
        info(`Error handling changed files for service ${w.service}: ${err instanceof Error ? err.message : String(err)}\n`);
      });
    };
    const onChange = (hostPath: string) => {
      for (const e of fileEvents(w, hostPath)) pending.set(`${e.action}\0${e.hostPath}`, e);
      // A new directory's files may be written before its own watch is in place: take them now.
      if (fs.statSync(hostPath, { throwIfNoEntry: false })?.isDirectory()) {
        for (const f of fs.readdirSync(hostPath, { recursive: true })) {
          for (const e of fileEvents(w, path.join(hostPath, f.toString()))) pending.set(`${e.action}\0${e.hostPath}`, e);
        }
      }
      if (!pending.size) return;
      clearTimeout(timer);
      timer = setTimeout(flush, BATCH_MS);
    };
    for (const r of w.rules) {
      const isDir = fs.statSync(r.path, { throwIfNoEntry: false })?.isDirectory() ?? false;
      const base = isDir ? r.path : path.dirname(r.path);
      const watcher = fs.watch(base, { recursive: isDir }, (_type, name) => {
        if (name === null) return;
        const full = path.join(base, name.toString());
        onChange(full);
      });
      watcher.on('error', (err) => info(`Error watching ${r.path}: ${err.message}\n`));
      watchers.push(watcher);
    }
  }
  const end = () => stop();
  process.once('SIGINT', end);
  process.once('SIGTERM', end);
  void done.then(() => {
    process.off('SIGINT', end);
    process.off('SIGTERM', end);
    for (const w of watchers) w.close();
  });
  return { done, stop: end };
}

/** `buildCtx`: ctx, or ctx with its progress silenced under --quiet (the rebuild's output). */
async function handleBatch(ctx: ComposeContext, buildCtx: ComposeContext, service: string, batch: FileEvent[], info: (s: string) => void): Promise<void> {
  if (!batch.length) return;
  const rebuild = batch.find((e) => e.action === 'rebuild');
  if (rebuild) {
    info(`Rebuilding service "${service}" after changes were detected:\n  - ${rebuild.hostPath}\n`);
    try {
      await buildService(buildCtx, service);
      await up(buildCtx, { services: [service], noDeps: true, forceRecreate: true, noResult: true });
      await buildCtx.endProgress?.();
    } catch (err) {
      await buildCtx.endProgress?.();
      info(`Application failed to start after update. Error: ${err instanceof Error ? err.message : String(err)}\n`);
    }
    return;
  }
  const list = batch.length <= 10 ? `:${batch.map((e) => `\n  - ${e.hostPath}`).join('')}` : '';
  info(batch.length <= 10 ? `Syncing "${service}" after changes were detected${list}\n` : `Syncing service "${service}" after ${batch.length} changes were detected\n`);
  const running = (await containersOf(ctx, [service])).filter((c) => c.state === 'running');
  // Directories first, so the files under a new one have somewhere to go.
  const ordered = batch.map((e) => ({ e, st: fs.lstatSync(e.hostPath, { throwIfNoEntry: false }) })).sort((a, b) => Number(b.st?.isDirectory() ?? false) - Number(a.st?.isDirectory() ?? false));
  for (const c of running) {
    for (const { e, st } of ordered) {
      const target = e.containerPath!;
      if (!st) await ctx.engine.must(['exec', c.id, 'rm', '-rf', target]);
      else if (st.isDirectory()) await ctx.engine.must(['exec', c.id, 'mkdir', '-p', target]);
      else {
        await ctx.engine.must(['exec', c.id, 'mkdir', '-p', path.posix.dirname(target)]);
        await ctx.engine.must(['cp', e.hostPath, `${c.id}:${target}`]);
      }
    }
  }
  if (batch.some((e) => e.action === 'sync+restart')) {
    for (const c of running) {
      ctx.progress('Container', c.name, 'Restarting');
      await ctx.engine.must(['restart', c.id]);
      ctx.progress('Container', c.name, 'Started');
    }
    await ctx.endProgress?.();
  }
}
