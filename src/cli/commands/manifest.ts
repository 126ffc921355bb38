// `tsc-run manifest ...`: podman 4.3's manifest list commands (create, add,
// inspect, annotate, remove, rm, push, exists). Lists live in the image
// store as podman keeps them; the work is in src/image/manifest-*.ts.

import type { Argv, CommandModule } from 'yargs';
import { ChildExit, UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';
import { commandGroup } from '../command-group.js';
import { registryFlags, type RegistryFlagArgs } from './registry-flags.js';
import type { StoredListInstance } from '../../storage/images.js';

const strings = { type: 'string', array: true, nargs: 1, requiresArg: true } as const;

interface EditArgs {
  annotation?: string[];
  arch?: string;
  os?: string;
  'os-version'?: string;
  'os-features'?: string[];
  variant?: string;
  features?: string[];
}

function editFlags<T>(y: Argv<T>, osFeatures: boolean): Argv<T & EditArgs> {
  let out = y
    .option('annotation', { ...strings, describe: 'set an annotation for the specified image' })
    .option('arch', { type: 'string', requiresArg: true, describe: 'override the architecture of the specified image' })
    .option('features', { ...strings, describe: 'override the features of the specified image' })
    .option('os', { type: 'string', requiresArg: true, describe: 'override the OS of the specified image' });
  if (osFeatures) out = out.option('os-features', { ...strings, describe: 'override the OS features of the specified image' });
  return out
    .option('os-version', { type: 'string', requiresArg: true, describe: 'override the OS version of the specified image' })
    .option('variant', { type: 'string', requiresArg: true, describe: 'override the Variant of the specified image' });
}

const commaList = (v: readonly string[] | undefined) => (v ?? []).flatMap((s) => String(s).split(',')).filter(Boolean);

function edits(argv: EditArgs) {
  return {
    annotations: (argv.annotation ?? []).map(String),
    arch: argv.arch,
    os: argv.os,
    osVersion: argv['os-version'],
    osFeatures: commaList(argv['os-features']),
    variant: argv.variant,
    features: commaList(argv.features),
  };
}

/** Entries for the IMAGE arguments of create and add (podman: no transport means docker://). */
async function instancesFor(dataRoot: string, images: readonly string[], all: boolean, argv: RegistryFlagArgs): Promise<StoredListInstance[][]> {
  const [{ splitTransport, localInstances }, { remoteInstances }, { remoteOptions }] = await Promise.all([
    import('../../image/manifest-store.js'),
    import('../../image/manifest-remote.js'),
    import('./registry-options.js'),
  ]);
  const out: StoredListInstance[][] = [];
  for (const image of images) {
    const { transport, name } = splitTransport(image);
    out.push(transport === 'local' ? await localInstances(dataRoot, name, all) : await remoteInstances(name, all, remoteOptions(argv)));
  }
  return out;
}

function positionals(argv: { list?: string; images?: string[] }): string[] {
  return [argv.list, ...(argv.images ?? [])].filter((x): x is string => x !== undefined).map(String);
}

interface CreateArgs extends GlobalArgs, RegistryFlagArgs {
  list?: string;
  images?: string[];
  all?: boolean;
  amend?: boolean;
}

const createCommand: CommandModule<GlobalArgs, CreateArgs> = {
  command: 'create [list] [images..]',
  describe: 'Create manifest list or image index',
  builder: (y) =>
    y
      .usage('Usage: tsc-run manifest create [options] LIST [IMAGE...]\n\nCreates manifest lists or image indexes.')
      .example('tsc-run manifest create mylist:v1.11', '')
      .example('tsc-run manifest create mylist:v1.11 containers-storage:arch-specific-image-to-add', '')
      .example('tsc-run manifest create --all mylist:v1.11 transport:tagged-image-to-add', '')
      .positional('list', { type: 'string' })
      .positional('images', { type: 'string', array: true })
      .option('all', { type: 'boolean', describe: "add all of the lists' images if the images to add are lists" })
      .option('amend', { alias: 'a', type: 'boolean', describe: 'modify an existing list if one with the desired name already exists' })
      .option('tls-verify', { type: 'boolean', describe: 'require HTTPS and verify certificates when accessing the registry (default true)' }),
  handler: async (argv) => {
    const args = positionals(argv);
    if (args.length < 1) throw new UsageError(`requires at least 1 arg(s), only received ${args.length}`);
    const dataRoot = rootsOf(argv).dataRoot;
    const { createList } = await import('../../image/manifest-store.js');
    // Every image is read before the list exists: a failure leaves no half-made list.
    const found = (await instancesFor(dataRoot, args.slice(1), argv.all === true, argv)).flat();
    process.stdout.write(`${await createList(dataRoot, args[0]!, found, { amend: argv.amend === true })}\n`);
  },
};

interface AddArgs extends GlobalArgs, RegistryFlagArgs, EditArgs {
  list?: string;
  images?: string[];
  all?: boolean;
}

const addCommand: CommandModule<GlobalArgs, AddArgs> = {
  command: 'add [list] [images..]',
  describe: 'Add images to a manifest list or image index',
  builder: (y) =>
    editFlags(
      registryFlags(
        y
          .usage('Usage: tsc-run manifest add [options] LIST IMAGE [IMAGE...]\n\nAdds an image to a manifest list or image index.')
          .example('tsc-run manifest add mylist:v1.11 docker://registry.example/image:v1.11-amd64', '')
          .example('tsc-run manifest add mylist:v1.11 containers-storage:localhost/image:v1.11-arm64', '')
          .positional('list', { type: 'string' })
          .positional('images', { type: 'string', array: true })
          .option('all', { type: 'boolean', describe: "add all of the list's images if the image is a list" }),
      ),
      false,
    ),
  handler: async (argv) => {
    const args = positionals(argv);
    if (args.length < 2) throw new UsageError(`requires at least 2 arg(s), only received ${args.length}`);
    const dataRoot = rootsOf(argv).dataRoot;
    const [{ lookupList, updateList }, { annotated, parseAnnotations, withInstance }] = await Promise.all([
      import('../../image/manifest-store.js'),
      import('../../image/manifest-list.js'),
    ]);
    const e = edits(argv);
    parseAnnotations(e.annotations); // a bad --annotation fails before anything is fetched
    const list = await lookupList(dataRoot, args[0]!);
    const found = (await instancesFor(dataRoot, args.slice(1), argv.all === true, argv)).flat();
    await updateList(dataRoot, list.id, (current) => found.reduce((acc, i) => withInstance(acc, annotated(i, e)), current));
    process.stdout.write(`${list.id}\n`);
  },
};

const inspectCommand: CommandModule<GlobalArgs, GlobalArgs & { image?: string; extra?: string[] }> = {
  command: 'inspect [image] [extra..]',
  describe: 'Display the contents of a manifest list or image index',
  builder: (y) =>
    y
      .usage('Usage: tsc-run manifest inspect IMAGE\n\nDisplay the contents of a manifest list or image index.')
      .example('tsc-run manifest inspect localhost/list', '')
      .positional('image', { type: 'string' })
      .positional('extra', { type: 'string', array: true, hidden: true }),
  handler: async (argv) => {
    const n = [argv.image, ...(argv.extra ?? [])].filter((x) => x !== undefined).length;
    if (n !== 1) throw new UsageError(`accepts 1 arg(s), received ${n}`);
    const name = String(argv.image);
    const [{ lookupList, NotAManifestListError }, { inspectText }, { ImageUnknownError }] = await Promise.all([
      import('../../image/manifest-store.js'),
      import('../../image/manifest-list.js'),
      import('../../storage/images.js'),
    ]);
    let text: string;
    try {
      text = inspectText((await lookupList(rootsOf(argv).dataRoot, name)).list!.instances);
    } catch (err) {
      // As podman: no local list of that name means the registry's manifest.
      if (!(err instanceof ImageUnknownError || err instanceof NotAManifestListError)) throw err;
      const [{ remoteInspectText }, { warn }] = await Promise.all([import('../../image/manifest-remote.js'), import('../warn.js')]);
      text = await remoteInspectText(name, { env: process.env }, warn);
    }
    process.stdout.write(`${text}\n`);
  },
};

interface AnnotateArgs extends GlobalArgs, EditArgs {
  list?: string;
  images?: string[];
}

const annotateCommand: CommandModule<GlobalArgs, AnnotateArgs> = {
  command: 'annotate [list] [images..]',
  describe: 'Add or update information about an entry in a manifest list or image index',
  builder: (y) =>
    editFlags(
      y
        .usage('Usage: tsc-run manifest annotate [options] LIST IMAGE\n\nAdds or updates information about an entry in a manifest list or image index.')
        .example('tsc-run manifest annotate --annotation left=right mylist:v1.11 sha256:15352d97781ffdf357bf3459c037be3efac4133dc9070c2dce7eca7c05c3e736', '')
        .positional('list', { type: 'string' })
        .positional('images', { type: 'string', array: true }),
      true,
    ),
  handler: async (argv) => {
    const args = positionals(argv);
    if (args.length !== 2) throw new UsageError(`accepts 2 arg(s), received ${args.length}`);
    const dataRoot = rootsOf(argv).dataRoot;
    const [{ lookupList, updateList }, { annotateInstance, parseInstanceDigest, parseAnnotations }] = await Promise.all([
      import('../../image/manifest-store.js'),
      import('../../image/manifest-list.js'),
    ]);
    const digest = parseInstanceDigest(args[1]!);
    const e = edits(argv);
    parseAnnotations(e.annotations);
    const list = await lookupList(dataRoot, args[0]!);
    await updateList(dataRoot, list.id, (current) => annotateInstance(current, digest, e));
    process.stdout.write(`${list.id}\n`);
  },
};

const removeCommand: CommandModule<GlobalArgs, GlobalArgs & { list?: string; images?: string[] }> = {
  command: 'remove [list] [images..]',
  describe: 'Remove an entry from a manifest list or image index',
  builder: (y) =>
    y
      .usage('Usage: tsc-run manifest remove LIST IMAGE\n\nRemoves an image from a manifest list or image index.')
      .example('tsc-run manifest remove mylist:v1.11 sha256:15352d97781ffdf357bf3459c037be3efac4133dc9070c2dce7eca7c05c3e736', '')
      .positional('list', { type: 'string' })
      .positional('images', { type: 'string', array: true }),
  handler: async (argv) => {
    const args = positionals(argv);
    if (args.length !== 2) throw new UsageError(`accepts 2 arg(s), received ${args.length}`);
    const dataRoot = rootsOf(argv).dataRoot;
    const [{ lookupList, updateList }, { parseInstanceDigest, withoutInstance }, { withContext }] = await Promise.all([
      import('../../image/manifest-store.js'),
      import('../../image/manifest-list.js'),
      import('../../image/registry/client.js'),
    ]);
    const digest = parseInstanceDigest(args[1]!);
    const list = await lookupList(dataRoot, args[0]!);
    await updateList(dataRoot, list.id, (current) => withoutInstance(current, digest)).catch((err: unknown) => {
      throw withContext(err, `removing from manifest list ${args[0]}`);
    });
    process.stdout.write(`${list.id}\n`);
  },
};

const rmCommand: CommandModule<GlobalArgs, GlobalArgs & { lists?: string[] }> = {
  command: 'rm [lists..]',
  describe: 'Remove manifest list or image index from local storage',
  builder: (y) =>
    y
      .usage('Usage: tsc-run manifest rm LIST [LIST...]\n\nRemove manifest list or image index from local storage.')
      .example('tsc-run manifest rm mylist:v1.11', '')
      .positional('lists', { type: 'string', array: true }),
  handler: async (argv) => {
    const names = (argv.lists ?? []).map(String);
    if (names.length < 1) throw new UsageError(`requires at least 1 arg(s), only received ${names.length}`);
    const [{ removeLists }, { warn }] = await Promise.all([import('../../image/manifest-rm.js'), import('../warn.js')]);
    await removeLists(rootsOf(argv), names, warn);
  },
};

interface PushArgs extends GlobalArgs, RegistryFlagArgs {
  list?: string;
  images?: string[];
  all?: boolean;
  digestfile?: string;
  format?: string;
  quiet?: boolean;
  rm?: boolean;
  'remove-signatures'?: boolean;
  'compression-format'?: string;
  'sign-by'?: string;
  'sign-by-sigstore-private-key'?: string;
  'sign-passphrase-file'?: string;
}

const pushCommand: CommandModule<GlobalArgs, PushArgs> = {
  command: 'push [list] [images..]',
  describe: 'Push a manifest list or image index to a registry',
  builder: (y) =>
    registryFlags(
      y
        .usage('Usage: tsc-run manifest push [options] LIST DESTINATION\n\nPushes manifest lists and image indexes to registries.')
        .example('tsc-run manifest push mylist:v1.11 docker://quay.io/myuser/image:v1.11', '')
        .positional('list', { type: 'string' })
        .positional('images', { type: 'string', array: true })
        .option('all', { type: 'boolean', default: true, describe: 'also push the images in the list' })
        .option('compression-format', { type: 'string', requiresArg: true, describe: 'compression format to use (refused: the stored layer blobs are pushed as they are)' })
        .option('digestfile', { type: 'string', requiresArg: true, describe: 'after copying the image, write the digest of the resulting digest to the file' })
        .option('format', { alias: 'f', type: 'string', requiresArg: true, describe: 'manifest type (oci or v2s2) to attempt to use when pushing the manifest list (default is manifest type of source)' })
        .option('quiet', { alias: 'q', type: 'boolean', describe: "don't output progress information when pushing lists" })
        .option('remove-signatures', { type: 'boolean', describe: "don't copy signatures when pushing images (tsc-run never has any)" })
        .option('rm', { type: 'boolean', describe: 'remove the manifest list if push succeeds' })
        .option('sign-by', { type: 'string', requiresArg: true, describe: 'sign the image using a GPG key with the specified FINGERPRINT (refused: no signing)' })
        .option('sign-by-sigstore-private-key', { type: 'string', requiresArg: true, describe: 'Sign the image using a sigstore private key at PATH (refused: no signing)' })
        .option('sign-passphrase-file', { type: 'string', requiresArg: true, describe: 'Read a passphrase for signing an image from PATH (refused: no signing)' }),
    ),
  handler: async (argv) => {
    const args = positionals(argv);
    if (args.length !== 2) throw new UsageError(`accepts 2 arg(s), received ${args.length}`);
    for (const f of ['sign-by', 'sign-by-sigstore-private-key', 'sign-passphrase-file'] as const) {
      if (argv[f] !== undefined) throw new UsageError(`--${f} is not supported: tsc-run does not sign images`);
    }
    if (argv['compression-format'] !== undefined) throw new UsageError('--compression-format is not supported: tsc-run pushes the stored layer blobs as they are');
    const roots = rootsOf(argv);
    const [{ pushManifestList, writeDigestFile }, { progressFor }, { remoteOptions }] = await Promise.all([
      import('../../image/manifest-push.js'),
      import('../ui/progress/select.js'),
      import('./registry-options.js'),
    ]);
    const progress = await progressFor({ quiet: argv.quiet === true });
    let digest: string;
    try {
      digest = await pushManifestList({
        dataRoot: roots.dataRoot,
        list: args[0]!,
        destination: args[1]!,
        all: argv.all !== false,
        format: argv.format,
        progress,
        ...remoteOptions(argv),
      });
    } finally {
      await progress.close?.();
    }
    if (argv.digestfile !== undefined) await writeDigestFile(argv.digestfile, digest);
    if (argv.rm) {
      const [{ removeLists }, { warn }] = await Promise.all([import('../../image/manifest-rm.js'), import('../warn.js')]);
      await removeLists(roots, [args[0]!], warn, { quiet: true });
    }
  },
};

const existsCommand: CommandModule<GlobalArgs, GlobalArgs & { name?: string; extra?: string[] }> = {
  command: 'exists [name] [extra..]',
  describe: 'Check if a manifest list exists in local storage',
  builder: (y) =>
    y
      .usage('Usage: tsc-run manifest exists MANIFEST\n\nIf the manifest list exists in local storage, tsc-run manifest exists exits with 0, otherwise the exit code will be 1.')
      .example('tsc-run manifest exists mylist', '')
      .positional('name', { type: 'string' })
      .positional('extra', { type: 'string', array: true, hidden: true }),
  handler: async (argv) => {
    const n = [argv.name, ...(argv.extra ?? [])].filter((x) => x !== undefined).length;
    if (n !== 1) throw new UsageError(`accepts 1 arg(s), received ${n}`);
    const [{ lookupList }, { ImageUnknownError }] = await Promise.all([import('../../image/manifest-store.js'), import('../../storage/images.js')]);
    try {
      await lookupList(rootsOf(argv).dataRoot, String(argv.name));
    } catch (err) {
      if (err instanceof ImageUnknownError) throw new ChildExit(1);
      throw err;
    }
  },
};

export const manifestCommand = commandGroup({
  name: 'manifest',
  describe: 'Manipulate manifest lists and image indexes',
  long: 'Creates, modifies, and pushes manifest lists and image indexes.',
  subcommands: [addCommand, annotateCommand, createCommand, existsCommand, inspectCommand, pushCommand, removeCommand, rmCommand],
});
