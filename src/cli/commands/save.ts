// `tsc-run save [options] IMAGE [IMAGE...]`: images to a docker-archive or
// oci-archive file (or stdout when it is not a terminal), podman's flags,
// messages and exit codes; copy progress on stderr unless -q.

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface SaveArgs extends GlobalArgs {
  images?: string[];
  format: string;
  output?: string;
  quiet?: boolean;
  'multi-image-archive'?: boolean;
  compress?: boolean;
  uncompressed?: boolean;
  'signature-policy'?: string;
}

/** Every format podman's save takes; the ones outside SUPPORTED are refused by name. */
const PODMAN_FORMATS = ['oci-dir', 'oci-archive', 'docker-dir', 'docker-archive'];
const SUPPORTED = ['docker-archive', 'oci-archive'] as const;

export const saveCommand: CommandModule<GlobalArgs, SaveArgs> = {
  command: 'save [images..]',
  describe: 'Save image(s) to an archive',
  builder: (y) =>
    y
      .usage('Usage: tsc-run save [options] IMAGE [IMAGE...]\n\nSave an image to docker-archive or oci-archive on the local machine. Default is docker-archive.')
      .positional('images', { type: 'string', array: true })
      .option('format', {
        type: 'string',
        default: 'docker-archive',
        requiresArg: true,
        describe: 'Save image to oci-archive or docker-archive',
      })
      .option('output', { alias: 'o', type: 'string', requiresArg: true, describe: 'Write to a specified file (default: stdout, which must be redirected)' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Suppress the output' })
      .option('multi-image-archive', {
        alias: 'm',
        type: 'boolean',
        describe: 'Interpret additional arguments as images not tags and create a multi-image-archive (only for docker-archive)',
      })
      .option('compress', { type: 'boolean', describe: "Compress tarball image layers when saving to a directory using the 'dir' transport" })
      .option('uncompressed', { type: 'boolean', describe: 'Accept uncompressed layers when copying OCI images' })
      .option('signature-policy', { type: 'string', requiresArg: true, hidden: true, describe: 'Path to a signature-policy file' })
      .example('tsc-run save --quiet -o myimage.tar imageID', '')
      .example('tsc-run save > alpine-all.tar alpine:latest', ''),
  handler: async (argv) => {
    const images = (argv.images ?? []).map(String);
    if (!images.length) throw new UsageError('need at least 1 argument');
    if (!PODMAN_FORMATS.includes(argv.format)) throw new UsageError(`format value must be one of ${PODMAN_FORMATS.join(' ')}`);
    if (argv.compress) throw new UsageError("--compress can only be set when --format is 'docker-dir'");
    const format = SUPPORTED.find((f) => f === argv.format);
    if (!format) throw new UsageError(`unsupported format ${JSON.stringify(argv.format)}: tsc-run saves docker-archive and oci-archive`);
    const [{ saveImages }, { progressFor }, { storePolicyOf }] = await Promise.all([
      import('../../image/archive/save.js'),
      import('../ui/progress/select.js'),
      import('./store-policy.js'),
    ]);
    const { deferredProgress } = await import('../progress.js');
    const progress = deferredProgress(() => progressFor({ quiet: argv.quiet === true }));
    try {
      await saveImages({
        dataRoot: rootsOf(argv).dataRoot,
        images,
        format,
        output: argv.output,
        multiImage: argv['multi-image-archive'] === true,
        // docker-archive layers are uncompressed tars anyway.
        uncompressedLayers: argv.uncompressed === true,
        progress,
        storePolicy: storePolicyOf(argv),
      });
    } finally {
      await progress.close?.();
    }
  },
};
