// `tsc-run events [options]`: the engine's events from `<root>/events.log`
// (docs/events.md). Streams new events by default (Ctrl-C ends it); with
// --since/--until it starts at the log's beginning; --stream=false prints
// what is there and exits. podman 4.3's human lines, JSON and templates.

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface EventsArgs extends GlobalArgs {
  _?: Array<string | number>;
  filter?: string[];
  format?: string;
  since?: string;
  until?: string;
  stream?: boolean;
  'no-trunc'?: boolean;
}

export const eventsCommand: CommandModule<GlobalArgs, EventsArgs> = {
  command: 'events',
  describe: 'Show tsc-run events',
  builder: (y) =>
    y
      .usage(
        'Usage: tsc-run events [options]\n\nMonitor tsc-run events.\n\n  By default, streaming mode is used, printing new events as they occur.  Previous events can be listed via --since and --until.',
      )
      .option('filter', { alias: 'f', type: 'string', array: true, nargs: 1, requiresArg: true, describe: 'filter output' })
      .option('format', { type: 'string', requiresArg: true, describe: 'format the output using a Go template' })
      .option('since', { type: 'string', requiresArg: true, describe: 'show all events created since timestamp' })
      .option('until', { type: 'string', requiresArg: true, describe: 'show all events until timestamp' })
      .option('stream', { type: 'boolean', default: true, hidden: true, describe: 'stream new events; for testing only' })
      .option('no-trunc', { type: 'boolean', default: true, describe: 'do not truncate the output' })
      // --no-trunc is a flag of its own, not a negation.
      .parserConfiguration({ 'boolean-negation': false }),
  handler: async (argv) => {
    const extra = (argv._ ?? []).slice(1);
    if (extra.length) throw new UsageError(`\`tsc-run events\` takes no arguments`);
    const { parseInputTime } = await import('../../format/time-input.js');
    const { eventMatcher } = await import('../../events/event-filter.js');
    const { humanLine, jsonLine, templateView } = await import('../../events/event-format.js');
    const { streamEvents } = await import('../../events/event-stream.js');
    (await import('../../events/event-log.js')).checkEventsReadable();
    const { isJsonFormat } = await import('../../format/is-json.js');
    const timeOf = (v: string | undefined, since: boolean) => {
      if (v === undefined || v === '') return undefined;
      try {
        return parseInputTime(v, since);
      } catch {
        throw new UsageError(`failed to parse event filters: unable to convert ${since ? 'since' : 'until'} time of ${v}: unable to interpret time value`);
      }
    };
    const since = timeOf(argv.since, true);
    const until = timeOf(argv.until, false);
    const match = eventMatcher({ filters: (argv.filter ?? []).map(String), since, until });

    let print: (e: Parameters<typeof jsonLine>[0]) => string;
    const format = argv.format;
    if (format !== undefined && isJsonFormat(format)) print = jsonLine;
    else if (format !== undefined) {
      const { GoTemplate } = await import('../../format/template.js');
      const tpl = new GoTemplate(format);
      print = (e) => tpl.render(templateView(e)).replace(/\n$/, '');
    } else print = (e) => humanLine(e, argv['no-trunc'] === false);

    await streamEvents({
      dataRoot: rootsOf(argv).dataRoot,
      match,
      stream: argv.stream !== false,
      fromStart: since !== undefined || until !== undefined,
      until,
      onEvent: (e) => process.stdout.write(`${print(e)}\n`),
    });
  },
};
