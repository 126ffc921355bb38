// `tsc-run image mount [IMAGE...]` and `image unmount|umount IMAGE...`:
// podman's output (a mount point per image; the list as `NAME  PATH`, or
// JSON), inside `tsc-run unshare` when rootless (src/image/image-mount.ts).

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface MountArgs extends GlobalArgs {
  images?: string[];
  all?: boolean;
  format?: string;
}

export const imageMountCommand: CommandModule<GlobalArgs, MountArgs> = {
  command: 'mount [images..]',
  describe: "Mount an image's root filesystem",
  builder: (y) =>
    y
      .usage(
        "Usage: tsc-run image mount [options] [IMAGE...]\n\nMounts the given images read-only and prints their mount points; without images, lists the mounted ones.",
      )
      .example('tsc-run image mount imgID', '')
      .example('tsc-run image mount --all', '')
      .option('all', { alias: 'a', type: 'boolean', describe: 'Mount all images' })
      .option('format', { type: 'string', requiresArg: true, describe: 'Print the mounted images in specified format (json)' }),
  handler: async (argv) => {
    const names = (argv.images ?? []).map(String);
    if (argv.all && names.length) throw new UsageError('when using the --all switch, you may not pass any image names or IDs');
    const format = argv.format ?? '';
    const { isJsonFormat } = await import('../../format/is-json.js');
    if (format !== '' && !isJsonFormat(format)) throw new UsageError(`unknown --format argument: ${JSON.stringify(format)}`);
    const { checkMountAllowed } = await import('../../container-fs/mount.js');
    checkMountAllowed('tsc-run image mount');
    const roots = rootsOf(argv);
    const [{ mountImage, mountedImages }, { ImageStore }, { emitImage }] = await Promise.all([
      import('../../image/image-mount.js'),
      import('../../storage/images.js'),
      import('../../events/emit.js'),
    ]);
    const store = new ImageStore(roots.dataRoot);
    const driver = async () => {
      const { resolveStorageDriver } = await import('../../host/host-facts.js');
      return resolveStorageDriver({ roots, flagDriver: argv['storage-driver'], storageOpts: argv['storage-opt'] });
    };
    if (names.length) {
      // Every image is looked up first: an unknown name mounts nothing.
      const records = [];
      for (const n of names) records.push(await store.lookup(n));
      for (const rec of records) {
        process.stdout.write(`${await mountImage(roots, rec, driver)}\n`);
        emitImage(roots.dataRoot, 'mount', rec.id);
      }
      return;
    }
    if (argv.all) {
      for (const rec of await store.list()) {
        await mountImage(roots, rec, driver);
        emitImage(roots.dataRoot, 'mount', rec.id);
      }
    }
    const byId = new Map((await store.list()).map((r) => [r.id, r]));
    const mounted = (await mountedImages(roots)).filter((m) => byId.has(m.id));
    if (format !== '') {
      const rows = mounted.map((m) => {
        const rec = byId.get(m.id)!;
        return { id: m.id, Names: rec.digest ? [rec.digest] : [], Repositories: rec.names, mountpoint: m.path };
      });
      process.stdout.write(`${JSON.stringify(rows, null, 1)}\n`);
      return;
    }
    process.stdout.write(mounted.map((m) => `${byId.get(m.id)!.names[0] ?? m.id}  ${m.path}\n`).join(''));
  },
};

interface UnmountArgs extends GlobalArgs {
  images?: string[];
  all?: boolean;
  force?: boolean;
}

export const imageUnmountCommand: CommandModule<GlobalArgs, UnmountArgs> = {
  command: 'unmount [images..]',
  aliases: ['umount'],
  describe: "Unmount an image's root filesystem",
  builder: (y) =>
    y
      .usage(
        "Usage: tsc-run image unmount [options] IMAGE [IMAGE...]\n\nEach mount of an image counts one user; unmount takes one away and the image's root filesystem is unmounted when none is left. --force unmounts it at once.",
      )
      .example('tsc-run image unmount imgID', '')
      .example('tsc-run image unmount --all', '')
      .option('all', { alias: 'a', type: 'boolean', describe: 'Unmount all of the currently mounted images' })
      .option('force', { alias: 'f', type: 'boolean', describe: 'Force the complete unmount of the specified mounted images' }),
  handler: async (argv) => {
    const names = (argv.images ?? []).map(String);
    if (!names.length && !argv.all) throw new UsageError('image name or ID must be specified');
    if (argv.all && names.length) throw new UsageError('when using the --all switch, you may not pass any image names or IDs');
    const roots = rootsOf(argv);
    const [{ unmountImage, mountedImages }, { ImageStore }, { emitImage }] = await Promise.all([
      import('../../image/image-mount.js'),
      import('../../storage/images.js'),
      import('../../events/emit.js'),
    ]);
    const store = new ImageStore(roots.dataRoot);
    const ids = argv.all ? (await mountedImages(roots)).map((m) => m.id) : [];
    for (const n of names) ids.push((await store.lookup(n)).id);
    for (const id of ids) {
      // podman prints an image only when it was mounted (and unmounted a step).
      if (await unmountImage(roots, id, argv.force === true)) {
        emitImage(roots.dataRoot, 'unmount', id);
        process.stdout.write(`${id}\n`);
      }
    }
  },
};
