// run/create's image flags (podman's --pull, -q, --platform/--arch/--os/
// --variant, --authfile, --tls-verify; --creds and --cert-dir as pull has
// them) and the step that makes the image local before the container is
// created. Rows for container-flags.ts's table; the work is imported
// lazily, and a local image costs one read of images.json: nothing of the
// registry, progress or platform code loads unless a registry is asked.

import fs from 'node:fs';
import { TscRunError } from '../../errors.js';
import { parsePullPolicy } from '../../image/acquire/pull-policy.js';
import { parseImageSource } from '../../image/acquire/transport.js';
import type { PullContext } from '../../image/acquire/ensure-image.js';
import type { CopyProgress } from '../../image/progress.js';
import type { ImageRecord } from '../../storage/images.js';
import type { CreateFlag } from './container-flags.js';

export interface CreatePullArgs {
  pull?: string;
  quiet?: boolean;
  platform?: string;
  arch?: string;
  os?: string;
  variant?: string;
  authfile?: string;
  'tls-verify'?: boolean;
  creds?: string;
  'cert-dir'?: string;
  'signature-policy'?: string;
}

export const CREATE_PULL_FLAGS: readonly CreateFlag[] = [
  { name: 'arch', type: 'string', goType: 'ARCH', describe: 'use ARCH instead of the architecture of the machine for choosing images' },
  { name: 'authfile', type: 'string', describe: 'Path of the authentication file. Use REGISTRY_AUTH_FILE environment variable to override' },
  { name: 'cert-dir', type: 'string', hidden: true, describe: 'Path to a directory containing TLS certificates and keys (*.crt, *.cert, *.key) for pulling images' },
  { name: 'creds', type: 'string', hidden: true, describe: 'Use USERNAME[:PASSWORD] for accessing the registry when pulling images' },
  { name: 'os', type: 'string', goType: 'OS', describe: 'use OS instead of the running OS for choosing images' },
  { name: 'platform', type: 'string', describe: 'Specify the platform for selecting the image.  (Conflicts with --arch and --os)' },
  { name: 'pull', type: 'string', describe: 'Pull image policy (default "missing")' },
  { name: 'quiet', alias: 'q', type: 'boolean', describe: 'Suppress output information when pulling images' },
  { name: 'signature-policy', type: 'string', hidden: true, describe: 'Path to a signature-policy file' },
  { name: 'tls-verify', type: 'boolean', describe: 'Require HTTPS and verify certificates when contacting registries for pulling images' },
  { name: 'variant', type: 'string', goType: 'VARIANT', describe: 'Use VARIANT instead of the running architecture variant for choosing images' },
];

/** The image to create from, pulled first if the policy says so; progress on stderr unless -q. */
export async function ensureCreateImage(argv: CreatePullArgs, image: string, dataRoot: string): Promise<{ image: string; record?: ImageRecord }> {
  const policy = parsePullPolicy(argv.pull);
  // podman checks a given --authfile first, whether or not anything is pulled.
  if (argv.authfile !== undefined && !fs.existsSync(argv.authfile)) throw new TscRunError(`stat ${argv.authfile}: no such file or directory`);
  const given = [argv.platform, argv.arch, argv.os, argv.variant].some((v) => v !== undefined);
  if (!given && (policy === 'missing' || policy === 'never') && parseImageSource(image) === undefined) {
    // The common case, an image that is here: only the image store, which creating the container loads anyway.
    const { ImageStore, ImageUnknownError } = await import('../../storage/images.js');
    const record = await new ImageStore(dataRoot).lookup(image).catch((err: unknown) => {
      if (err instanceof ImageUnknownError) return undefined;
      throw err;
    });
    if (record) return { image, record };
  }
  const platform = given
    ? (await import('../../image/registry/manifest-select.js')).wantedPlatform({ platform: argv.platform, os: argv.os, arch: argv.arch, variant: argv.variant })
    : undefined;
  const { ensureImage } = await import('../../image/acquire/ensure-image.js');
  let progress: CopyProgress | undefined;
  let pulling: Promise<PullContext> | undefined;
  try {
    return await ensureImage({
      dataRoot,
      image,
      policy,
      platform,
      // Asked for only when a registry is: it loads the registry, progress and warning code.
      pulling: () => (pulling ??= (async () => {
        const [{ deferredProgress }, { progressFor }, { warn }, { remoteOptions }] = await Promise.all([
          import('../progress.js'),
          import('../ui/progress/select.js'),
          import('../warn.js'),
          import('./registry-options.js'),
        ]);
        // The view (Ink on a TTY) appears with the first event, not before.
        progress = deferredProgress(() => progressFor({ quiet: argv.quiet === true }));
        return { progress, warn, remote: remoteOptions(argv) };
      })()),
    });
  } finally {
    await progress?.close?.();
  }
}
