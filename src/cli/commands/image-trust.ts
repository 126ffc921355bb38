// `tsc-run image trust show|set`: the signature policy as podman 4.3 shows
// and edits it (src/image/policy/trust.ts says which file).

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { commandGroup } from '../command-group.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface ShowArgs extends GlobalArgs {
  registry?: string;
  extra?: string[];
  json?: boolean;
  raw?: boolean;
  noheading?: boolean;
  policypath?: string;
  registrypath?: string;
}

const showCommand: CommandModule<GlobalArgs, ShowArgs> = {
  command: 'show [registry] [extra..]',
  describe: 'Display trust policy for the system',
  builder: (y) =>
    y
      .usage('Usage: tsc-run image trust show [options] [REGISTRY]\n\nDisplay trust policy for the system')
      .positional('registry', { type: 'string' })
      .positional('extra', { type: 'string', array: true, hidden: true })
      .option('json', { alias: 'j', type: 'boolean', describe: 'Output as json' })
      .option('noheading', { alias: 'n', type: 'boolean', describe: 'Do not print column headings' })
      .option('raw', { type: 'boolean', describe: 'Output raw policy file' })
      .option('policypath', { type: 'string', requiresArg: true, hidden: true, describe: 'Path of the policy file' })
      .option('registrypath', { type: 'string', requiresArg: true, hidden: true, describe: 'Path of the registries.d directory' }),
  handler: async (argv) => {
    const n = [argv.registry, ...(argv.extra ?? [])].filter((a) => a !== undefined).length;
    if (n > 1) throw new UsageError(`accepts at most 1 arg(s), received ${n}`);
    const [{ showTrust }, { warn }] = await Promise.all([import('../../image/policy/trust.js'), import('../warn.js')]);
    const shown = await showTrust({ policyPath: argv.policypath, registryPath: argv.registrypath, env: process.env, warn });
    if (argv.raw) {
      process.stdout.write(shown.raw + '\n');
      return;
    }
    const entries = await shown.entries();
    if (argv.json) {
      process.stdout.write(JSON.stringify(entries, null, 2) + '\n');
      return;
    }
    const [{ trustTableLines }, { alignColumns }] = await Promise.all([import('../../image/policy/trust-view.js'), import('../../format/output.js')]);
    const lines = trustTableLines(entries, argv.noheading !== true);
    if (lines.length) process.stdout.write(alignColumns(lines.join('\n')) + '\n');
  },
};

interface SetArgs extends GlobalArgs {
  registry?: string;
  extra?: string[];
  type: string;
  pubkeysfile?: string[];
  policypath?: string;
}

const setCommand: CommandModule<GlobalArgs, SetArgs> = {
  command: 'set [registry] [extra..]',
  describe: 'Set default trust policy or a new trust policy for a registry',
  builder: (y) =>
    y
      .usage('Usage: tsc-run image trust set [options] REGISTRY\n\nSet default trust policy or add a new trust policy for a registry')
      .positional('registry', { type: 'string' })
      .positional('extra', { type: 'string', array: true, hidden: true })
      .option('pubkeysfile', {
        alias: 'f',
        type: 'string',
        array: true,
        nargs: 1,
        describe: 'Path of installed public key(s) to trust for TARGET.\nAbsolute path to keys is added to policy.json. May\nused multiple times to define multiple public keys.\nFile(s) must exist before using this command',
      })
      .option('type', { alias: 't', type: 'string', default: 'signedBy', requiresArg: true, describe: 'Trust type, accept values: signedBy(default), accept, reject' })
      .option('policypath', { type: 'string', requiresArg: true, hidden: true, describe: 'Path of the policy file' }),
  handler: async (argv) => {
    const given = [argv.registry, ...(argv.extra ?? [])].filter((a) => a !== undefined);
    if (given.length !== 1) throw new UsageError(`accepts 1 arg(s), received ${given.length}`);
    const [{ setTrust }, { checkTrustScope, TRUST_TYPES }] = await Promise.all([import('../../image/policy/trust.js'), import('../../image/policy/trust-set.js')]);
    const scope = String(given[0]);
    checkTrustScope(scope);
    if (!TRUST_TYPES.includes(argv.type)) throw new UsageError(`invalid choice: ${argv.type} (choose from 'accept', 'reject', 'signedBy', 'sigstoreSigned')`);
    // pflag's StringSlice: each -f may itself be a comma-separated list.
    const keys = (argv.pubkeysfile ?? []).flatMap((k) => String(k).split(',')).filter((k) => k !== '');
    const path = await import('node:path');
    const lockPath = path.join(rootsOf(argv).runRoot, 'trust-set.lock');
    await setTrust({ policyPath: argv.policypath, lockPath, env: process.env, input: { scope, type: argv.type, pubKeyFiles: keys } });
  },
};

export const imageTrustCommand = commandGroup({
  name: 'trust',
  describe: 'Manage container image trust policy',
  long: 'Manages which registries and repositories are trusted as sources of images: the signature policy (policy.json) that pull, load and run enforce.',
  subcommands: [setCommand, showCommand],
});
