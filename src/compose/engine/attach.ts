// Logs of several containers at once, each line prefixed `web-1  | ` (the
// prefix padded to the longest), as `compose logs` and an attached `up`
// print them.

import type { Engine } from './runner.js';
import type { ProjectContainer } from './state.js';

export interface LogOptions {
  follow?: boolean;
  tail?: string;
  timestamps?: boolean;
  since?: string;
  until?: string;
  noPrefix?: boolean;
}

export function prefixOf(c: Pick<ProjectContainer, 'service' | 'number' | 'oneoff' | 'name'>): string {
  return c.oneoff ? c.name : `${c.service}-${c.number}`;
}

export function streamLogs(engine: Engine, cs: readonly ProjectContainer[], o: LogOptions, write: (s: string) => void = (s) => process.stdout.write(s)) {
  const width = Math.max(0, ...cs.map((c) => prefixOf(c).length));
  const runs = cs.map((c) => {
    const args = ['logs'];
    if (o.follow) args.push('--follow');
    if (o.tail !== undefined) args.push('--tail', o.tail);
    if (o.timestamps) args.push('--timestamps');
    if (o.since !== undefined) args.push('--since', o.since);
    if (o.until !== undefined) args.push('--until', o.until);
    args.push(c.id);
    const prefix = o.noPrefix ? '' : `${prefixOf(c).padEnd(width)}  | `;
    return engine.stream(args, (line) => write(`${prefix}${line}\n`));
  });
  return { done: Promise.all(runs.map((r) => r.done)), kill: () => runs.forEach((r) => r.kill()) };
}
