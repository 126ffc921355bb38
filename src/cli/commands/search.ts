// `tsc-run search TERM` and `image search`: podman 4.3's flags, table, JSON
// and templates. The registry work is in src/image/registry/search.ts.

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';

interface SearchArgs extends GlobalArgs {
  term?: string;
  extra?: string[];
  authfile?: string;
  compatible?: boolean;
  filter?: string[];
  format?: string;
  limit?: number;
  'list-tags'?: boolean;
  'no-trunc'?: boolean;
  trunc?: boolean;
  'tls-verify'?: boolean;
}

function searchModule(prog: string): CommandModule<GlobalArgs, SearchArgs> {
  return {
    command: 'search [term] [extra..]',
    describe: 'Search registry for image',
    builder: (y) =>
      y
        .usage(
          `Usage: tsc-run ${prog} [options] TERM\n\nSearch registries for a given image. Can search all the default registries or a specific registry.\n\n\tUsers can limit the number of results, and filter the output based on certain conditions.`,
        )
        .example(`tsc-run ${prog} --filter=is-official --limit 3 alpine`, '')
        .example(`tsc-run ${prog} registry.fedoraproject.org/  # only works with v2 registries`, '')
        .example(`tsc-run ${prog} --format "table {{.Index}} {{.Name}}" registry.fedoraproject.org/fedora`, '')
        .positional('extra', { type: 'string', array: true, hidden: true })
        .option('authfile', { type: 'string', requiresArg: true, describe: 'Path of the authentication file. Use REGISTRY_AUTH_FILE environment variable to override' })
        .option('compatible', { type: 'boolean', describe: 'List stars, official and automated columns (Docker compatibility)' })
        .option('filter', { alias: 'f', type: 'string', array: true, nargs: 1, requiresArg: true, describe: 'Filter output based on conditions provided (default [])' })
        .option('format', { type: 'string', requiresArg: true, describe: 'Change the output format to JSON or a Go template' })
        .option('limit', { type: 'number', requiresArg: true, describe: 'Limit the number of results' })
        .option('list-tags', { type: 'boolean', describe: 'List the tags of the input registry' })
        .option('no-trunc', { type: 'boolean', describe: 'Do not truncate the output' })
        .option('trunc', { type: 'boolean', hidden: true }) // yargs reads --no-trunc as trunc=false
        .option('tls-verify', { type: 'boolean', describe: 'Require HTTPS and verify certificates when contacting registries (default true)' }),
    handler: async (argv) => {
      const given = [argv.term, ...(argv.extra ?? [])].filter((a) => a !== undefined);
      if (given.length !== 1) throw new UsageError(`accepts 1 arg(s), received ${given.length}`);
      const noTrunc = argv['no-trunc'] === true || argv.trunc === false;
      const limit = argv.limit ?? 0;
      if (!Number.isSafeInteger(limit)) throw new UsageError(`invalid argument "${String(argv.limit)}" for "--limit" flag: strconv.ParseInt: parsing "${String(argv.limit)}": invalid syntax`);
      const filters = (argv.filter ?? []).flatMap((f) => String(f).split(','));
      if (argv['list-tags'] && filters.length) throw new UsageError('filters are not applicable to list tags result');
      const [{ searchImages, parseSearchFilters, tagsJson }, { loadRegistriesConf }, { formatList }, { isJsonFormat }, fs] = await Promise.all([
        import('../../image/registry/search.js'),
        import('../../image/registry/registries-conf.js'),
        import('../../format/output.js'),
        import('../../format/is-json.js'),
        import('node:fs'),
      ]);
      const filter = parseSearchFilters(filters);
      if (argv.authfile !== undefined && !fs.existsSync(argv.authfile)) throw new UsageError(`stat ${argv.authfile}: no such file or directory`);
      const rows = await searchImages(String(given[0]), {
        limit,
        listTags: argv['list-tags'] === true,
        filter,
        conf: loadRegistriesConf(process.env),
        tlsVerify: argv['tls-verify'],
        authfile: argv.authfile,
        env: process.env,
      });
      if (rows.length === 0) return;
      const json = isJsonFormat(argv.format);
      if (!json && !noTrunc) {
        for (const r of rows) if (r.Description.length > 44) r.Description = r.Description.slice(0, 44).trim() + '...';
      }
      let out: string;
      if (argv['list-tags']) {
        out = json ? JSON.stringify(tagsJson(rows), null, 4) + '\n' : formatList(rows, { columns: [{ field: 'Name' }, { field: 'Tag' }] });
      } else if (json) {
        out = JSON.stringify(rows, null, 4) + '\n';
      } else {
        const columns = [{ field: 'Name' }, { field: 'Description' }];
        if (argv.compatible) columns.push({ field: 'Stars' }, { field: 'Official' }, { field: 'Automated' });
        out = formatList(rows, { format: argv.format, columns });
      }
      process.stdout.write(out);
    },
  };
}

export const searchCommand = searchModule('search');
export const imageSearchCommand = searchModule('image search');
