// `stats`: read the containers asked for (default: the running and paused
// ones; -a: all), print a table / JSON / template, and with streaming read
// again every interval (clearing the screen unless --no-reset) until
// Ctrl-C. CPU % of a later reading is over the interval since the last.

import { alignColumns, formatList } from '../../format/output.js';
import type { Roots } from '../../config/paths.js';
import { ContainerStore, type ContainerRecord } from '../../storage/containers.js';
import { liveRecord } from '../container/container-observe.js';
import { sampleContainer, sharesPidNamespace, type StatsSample } from './stats-sample.js';
import { STATS_COLUMNS, STATS_HEADERS, statsJson, statsRow, type StatsRow } from './stats-view.js';

export interface StatsOptions {
  /** Containers named (full ids), or undefined for all running/paused (every one with all). */
  ids?: readonly string[] | undefined;
  all: boolean;
  stream: boolean;
  intervalMs: number;
  noReset: boolean;
  noTrunc: boolean;
  format?: string | undefined;
  json: boolean;
  write: (text: string) => void;
  /** Streaming ends when this fires (Ctrl-C). */
  signal?: AbortSignal;
}

function render(rows: readonly StatsRow[], o: StatsOptions): string {
  if (o.json) return statsJson(rows);
  if (o.format !== undefined) {
    return formatList(rows, { format: o.format, columns: STATS_COLUMNS.map((f) => ({ field: f, header: STATS_HEADERS[f] })), headers: STATS_HEADERS });
  }
  const lines = [STATS_COLUMNS.map((f) => STATS_HEADERS[f]).join('\t'), ...rows.map((r) => STATS_COLUMNS.map((f) => String(r[f as keyof StatsRow])).join('\t'))];
  return `${alignColumns(lines.join('\n'))}\n`;
}

/** The containers to read, and every container (who shares whose pid namespace). */
async function pick(roots: Roots, o: StatsOptions): Promise<{ chosen: ContainerRecord[]; all: ContainerRecord[] }> {
  const store = new ContainerStore(roots.dataRoot);
  const all = (await store.list()).map((r) => liveRecord(roots.runRoot, r));
  if (o.ids) {
    const chosen = o.ids.map((id) => all.find((r) => r.id === id)).filter((r): r is ContainerRecord => r !== undefined);
    return { chosen, all };
  }
  const chosen = all
    .filter((r) => o.all || r.state.status === 'running' || r.state.status === 'paused')
    .sort((a, b) => Date.parse(a.created) - Date.parse(b.created));
  return { chosen, all };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

export async function containerStats(roots: Roots, o: StatsOptions): Promise<void> {
  const previous = new Map<string, StatsSample>();
  for (;;) {
    const { chosen, all } = await pick(roots, o);
    const samples = chosen.map((r) => sampleContainer(r, sharesPidNamespace(r, all)));
    const rows = samples.map((s) => statsRow(s, previous.get(s.id), o.noTrunc));
    for (const s of samples) previous.set(s.id, s);
    // podman clears the screen before each table when streaming, unless --no-reset.
    if (o.stream && !o.noReset) o.write('\x1b[2J\x1b[1;1H');
    o.write(render(rows, o));
    if (!o.stream) return;
    await sleep(o.intervalMs, o.signal);
    if (o.signal?.aborted) return;
  }
}
