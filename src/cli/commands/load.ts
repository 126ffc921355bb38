// `tsc-run load [-i FILE] [-q]`: images from a docker-archive or oci-archive
// (plain, gzip or zstd), from a file or stdin; podman's messages, progress
// on stderr unless -q, `Loaded image: NAME` lines on stdout.

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface LoadArgs extends GlobalArgs {
  extra?: string[];
  input?: string;
  quiet?: boolean;
  'signature-policy'?: string;
}

export const loadCommand: CommandModule<GlobalArgs, LoadArgs> = {
  command: 'load [extra..]',
  describe: 'Load image(s) from a tar archive',
  builder: (y) =>
    y
      .usage('Usage: tsc-run load [options]\n\nLoads an image from a locally stored archive (tar file) into container storage.')
      .positional('extra', { type: 'string', array: true, hidden: true })
      .option('input', { alias: 'i', type: 'string', requiresArg: true, describe: 'Read from specified archive file (default: stdin)' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Suppress the output' })
      .option('signature-policy', { type: 'string', requiresArg: true, hidden: true, describe: 'Path to a signature-policy file' }),
  handler: async (argv) => {
    if (argv.extra?.length) throw new UsageError('`tsc-run load` takes no arguments');
    let input = argv.input === undefined || argv.input === '-' ? undefined : String(argv.input);
    if (input === undefined && process.stdin.isTTY) {
      throw new UsageError('cannot read from terminal, use command-line redirection or the --input flag');
    }
    // An http(s) URL is downloaded to a temporary file first, then loaded from it (podman's load).
    let downloaded: string | undefined;
    if (input !== undefined && /^https?:\/\//.test(input)) {
      const { downloadToTemp } = await import('../../image/archive/download.js');
      downloaded = await downloadToTemp(input, process.env.TMPDIR || '/var/tmp');
      input = downloaded;
    }
    try {
      await loadFrom(argv, input);
    } finally {
      if (downloaded !== undefined) await (await import('node:fs/promises')).rm(downloaded, { force: true });
    }
  },
};

async function loadFrom(argv: LoadArgs, input: string | undefined): Promise<void> {
  const [{ loadArchive, loadedLines }, { progressFor }] = await Promise.all([import('../../image/archive/load.js'), import('../ui/progress/select.js')]);
  const { deferredProgress } = await import('../progress.js');
  const progress = deferredProgress(() => progressFor({ quiet: argv.quiet === true }));
  let images;
  try {
    images = await loadArchive({ dataRoot: rootsOf(argv).dataRoot, input, progress, policy: { signaturePolicy: argv['signature-policy'], env: process.env } });
  } finally {
    await progress.close?.();
  }
  const { emitImage } = await import('../../events/emit.js');
  // As podman 4.3 (libimage): one loadfromarchive event naming the archive, without an image id.
  if (images.length) emitImage(rootsOf(argv).dataRoot, 'loadfromarchive', '', typeof input === 'string' ? input : '');
  process.stdout.write(loadedLines(images).map((l) => l + '\n').join(''));
}
