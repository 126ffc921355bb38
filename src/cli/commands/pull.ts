// `tsc-run pull [options] IMAGE`: podman's flags, progress on stderr (Ink
// bars on a TTY, plain lines otherwise, nothing with -q), the image id on
// stdout (one per image with --all-tags).

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';
import { registryFlags, type RegistryFlagArgs } from './registry-flags.js';

interface PullArgs extends GlobalArgs, RegistryFlagArgs {
  image?: string;
  extra?: string[];
  'all-tags'?: boolean;
  arch?: string;
  os?: string;
  variant?: string;
  platform?: string;
  quiet?: boolean;
}

export const pullCommand: CommandModule<GlobalArgs, PullArgs> = {
  command: 'pull [image] [extra..]',
  describe: 'Pull an image from a registry',
  builder: (y) =>
    registryFlags(
      y
        .usage('Usage: tsc-run pull [options] IMAGE\n\nPulls an image from a registry and stores it locally.')
        .positional('image', { type: 'string', describe: 'Image to pull' })
        .positional('extra', { type: 'string', array: true, hidden: true })
        .nargs('image', 1)
        .option('all-tags', { alias: 'a', type: 'boolean', describe: 'All tagged images in the repository will be pulled' })
        .option('arch', { type: 'string', requiresArg: true, describe: 'Use ARCH instead of the architecture of the machine for choosing images' })
        .option('os', { type: 'string', requiresArg: true, describe: 'Use OS instead of the running OS for choosing images' })
        .option('variant', { type: 'string', requiresArg: true, describe: 'Use VARIANT instead of the running architecture variant for choosing images' })
        .option('platform', { type: 'string', requiresArg: true, describe: 'Specify the platform for selecting the image (OS/ARCH[/VARIANT])' })
        .option('quiet', { alias: 'q', type: 'boolean', describe: 'Suppress output information when pulling images' })
        .option('disable-content-trust', { type: 'boolean', hidden: true, describe: 'This is a Docker specific option and is a NOOP' }),
      { signaturePolicy: true },
    )
      .example('tsc-run pull --tls-verify=false 127.0.0.1:5000/app:1', '')
      .example('tsc-run pull -q --platform linux/arm64 quay.io/podman/stable', ''),
  handler: async (argv) => {
    const given = [argv.image, ...(argv.extra ?? [])].filter((a) => a !== undefined);
    if (given.length !== 1) throw new UsageError(`requires exactly 1 arg(s), only received ${given.length}`);
    const [{ pullImages }, { wantedPlatform }, { progressFor }, { remoteOptions }, { warn }] = await Promise.all([
      import('../../image/registry/pull.js'),
      import('../../image/registry/manifest-select.js'),
      import('../ui/progress/select.js'),
      import('./registry-options.js'),
      import('../warn.js'),
    ]);
    const platform = wantedPlatform({ platform: argv.platform, os: argv.os, arch: argv.arch, variant: argv.variant });
    const progress = await progressFor({ quiet: argv.quiet === true });
    const { parseImageSource } = await import('../../image/acquire/transport.js');
    const source = parseImageSource(String(given[0]));
    if (source && source.transport !== 'docker' && argv['all-tags']) throw new UsageError(`--all-tags pulls from a registry, not from ${source.transport}:`);
    let images;
    try {
      if (source && source.transport !== 'docker') {
        const { fetchFromSource } = await import('../../image/acquire/fetch-source.js');
        images = await fetchFromSource({ dataRoot: rootsOf(argv).dataRoot, source, progress, platform, policy: { signaturePolicy: argv['signature-policy'], env: process.env } });
      } else {
        images = await pullImages({
          dataRoot: rootsOf(argv).dataRoot,
          reference: source ? source.ref : String(given[0]),
          allTags: argv['all-tags'] === true,
          platform,
          progress,
          warn,
          ...remoteOptions(argv),
        });
      }
    } finally {
      await progress.close?.();
    }
    const { emitImage } = await import('../../events/emit.js');
    // As podman 4.3 (libimage): one event naming the reference as given, without an image id.
    if (images.length) emitImage(rootsOf(argv).dataRoot, 'pull', '', String(given[0]));
    process.stdout.write(images.map((i) => i.id + '\n').join(''));
  },
};
