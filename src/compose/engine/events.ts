// `compose events`: the engine's own event stream (`tsc-run events --format
// json`, filtered to the project's containers by label), each event turned
// into docker compose's form (events-view.ts). Streams until interrupted,
// or until --until when given.

import { composeEvent, eventJson, eventText, type EngineEventJson } from '../events-view.js';
import { L } from '../labels.js';
import type { ComposeContext } from './up.js';

export interface EventsOptions {
  services: readonly string[];
  json: boolean;
  since?: string | undefined;
  until?: string | undefined;
}

export async function streamProjectEvents(ctx: ComposeContext, o: EventsOptions, write: (s: string) => void): Promise<number> {
  const args = ['events', '--format', 'json', '--filter', 'type=container', '--filter', `label=${L.project}=${ctx.project.name}`];
  if (o.since !== undefined) args.push('--since', o.since);
  if (o.until !== undefined) args.push('--until', o.until);
  let failure = '';
  const run = ctx.engine.stream(args, (line, err) => {
    if (broken) return;
    if (err) {
      failure ||= line;
      return;
    }
    if (!line.trim()) return;
    let e: EngineEventJson;
    try {
      e = JSON.parse(line) as EngineEventJson;
    } catch {
      return;
    }
    const ev = composeEvent(e, o.services);
    if (ev) write(o.json ? eventJson(ev) : eventText(ev));
  });
  const stop = () => run.kill();
  // A reader that went away (`| head`) ends the stream as it ends any pipeline writer.
  let broken = false;
  const onError = (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    broken = true;
    stop();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.on('error', onError);
  try {
    const code = await run.done;
    if (broken) return 141;
    if (code !== 0 && failure) process.stderr.write(`${failure}\n`);
    return code;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    process.stdout.off('error', onError);
  }
}
