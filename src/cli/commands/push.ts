// `tsc-run push [options] IMAGE [DESTINATION]`: podman's flags and
// messages; progress on stderr (nothing with -q), nothing on stdout.

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';
import { registryFlags, type RegistryFlagArgs } from './registry-flags.js';

interface PushArgs extends GlobalArgs, RegistryFlagArgs {
  image?: string;
  destination?: string;
  extra?: string[];
  digestfile?: string;
  quiet?: boolean;
  format?: string;
  compress?: boolean;
  'compression-format'?: string;
  'remove-signatures'?: boolean;
  'sign-by'?: string;
  'sign-by-sigstore-private-key'?: string;
  'sign-passphrase-file'?: string;
}

export const pushCommand: CommandModule<GlobalArgs, PushArgs> = {
  command: 'push [image] [destination] [extra..]',
  describe: 'Push an image to a specified destination',
  builder: (y) =>
    registryFlags(
      y
        .usage('Usage: tsc-run push [options] IMAGE [DESTINATION]\n\nPushes an image to a specified location: [docker://]REF, oci:DIR[:REF], oci-archive:FILE[:REF], docker-archive:FILE[:REF], dir:DIR.')
        .positional('image', { type: 'string' })
        .positional('destination', { type: 'string' })
        .positional('extra', { type: 'string', array: true, hidden: true })
        .nargs('image', 1)
        .nargs('destination', 1)
        .option('digestfile', { type: 'string', requiresArg: true, describe: 'Write the digest of the pushed image to the specified file' })
        .option('quiet', { alias: 'q', type: 'boolean', describe: 'Suppress output information when pushing images' })
        .option('format', { alias: 'f', type: 'string', requiresArg: true, describe: 'Manifest type (oci, v2s2, or v2s1) to use in the destination (default is manifest type of source, with fallbacks)' })
        .option('compress', { type: 'boolean', describe: "Compress tarball image layers when pushing to a directory using the 'dir' transport. (default is same compression type as source)" })
        .option('compression-format', { type: 'string', requiresArg: true, describe: 'compression format to use' })
        .option('remove-signatures', { type: 'boolean', describe: 'Discard any pre-existing signatures in the image' })
        .option('sign-by', { type: 'string', hidden: true, requiresArg: true, describe: 'Add a signature at the destination using the specified key (refused: tsc-run writes no signatures)' })
        .option('sign-by-sigstore-private-key', { type: 'string', requiresArg: true, describe: 'Sign the image using a sigstore private key at `PATH` (refused: tsc-run writes no signatures)' })
        .option('sign-passphrase-file', { type: 'string', requiresArg: true, describe: 'Read a passphrase for signing an image from `PATH` (refused: tsc-run writes no signatures)' })
        .option('disable-content-trust', { type: 'boolean', hidden: true, describe: 'This is a Docker specific option and is a NOOP' }),
      { signaturePolicy: true },
    )
      .example('tsc-run push --tls-verify=false app:1 127.0.0.1:5000/team/app:1', '')
      .example('tsc-run push app:1 oci-archive:/tmp/app.tar', ''),
  handler: async (argv) => {
    const given = [argv.image, argv.destination, ...(argv.extra ?? [])].filter((a) => a !== undefined);
    if (given.length < 1 || given.length > 2) throw new UsageError(`accepts between 1 and 2 arg(s), received ${given.length}`);
    for (const flag of ['sign-by', 'sign-by-sigstore-private-key', 'sign-passphrase-file'] as const) {
      if (argv[flag] !== undefined) throw new UsageError(`--${flag}: signing is not supported: tsc-run writes no signatures (GPG simple signing or sigstore)`);
    }
    const [{ pushImage }, { progressFor }, { remoteOptions }, { storePolicyOf }] = await Promise.all([
      import('../../image/registry/push.js'),
      import('../ui/progress/select.js'),
      import('./registry-options.js'),
      import('./store-policy.js'),
    ]);
    const progress = await progressFor({ quiet: argv.quiet === true });
    try {
      await pushImage({
        dataRoot: rootsOf(argv).dataRoot,
        source: String(given[0]),
        destination: given[1] !== undefined ? String(given[1]) : undefined,
        digestfile: argv.digestfile,
        format: argv.format,
        compressionFormat: argv['compression-format'],
        compress: argv.compress,
        progress,
        ...remoteOptions(argv),
        storePolicy: storePolicyOf(argv),
      });
    } finally {
      await progress.close?.();
    }
  },
};
