// Logs of several containers at once, each line behind its container's
// prefix (log-prefix.ts: `web-1  | `, coloured on a terminal), as
// `compose logs` and an attached `up` print them.

import { presenters, type Presenter } from '../log-prefix.js';
import type { Engine } from './runner.js';
import type { ProjectContainer } from './state.js';

export interface LogOptions {
  follow?: boolean | undefined;
  tail?: string | undefined;
  timestamps?: boolean | undefined;
  since?: string | undefined;
  until?: string | undefined;
  noPrefix?: boolean | undefined;
  color?: boolean | undefined;
}

export function streamLogs(
  engine: Engine,
  cs: readonly ProjectContainer[],
  o: LogOptions,
  write: (s: string, err: boolean) => void = (s, err) => (err ? process.stderr : process.stdout).write(s),
  shown: Map<string, Presenter> = presenters(cs, { prefix: !o.noPrefix, color: o.color === true }),
) {
  const runs = cs.map((c) => {
    const args = ['logs'];
    if (o.follow) args.push('--follow');
    if (o.tail !== undefined) args.push('--tail', o.tail);
    if (o.timestamps) args.push('--timestamps');
    if (o.since !== undefined) args.push('--since', o.since);
    if (o.until !== undefined) args.push('--until', o.until);
    args.push(c.id);
    const prefix = shown.get(c.id)?.prefix ?? '';
    // The container's stderr stays stderr (docker compose's logConsumer.Err).
    return engine.stream(args, (line, err) => write(`${prefix}${line}\n`, err));
  });
  return {
    done: Promise.all(runs.map((r) => r.done)),
    /** Each container's stream, ended (for a followed one) once the container has exited and its output is out. */
    each: new Map(cs.map((c, i) => [c.id, runs[i]!.done])),
    kill: () => runs.forEach((r) => r.kill()),
  };
}
