// `tsc-run container runlabel LABEL IMAGE [ARG...]`: run the command an
// image's label names (src/image/runlabel.ts), pulling the image first if it
// is not here.

import type { CommandModule } from 'yargs';
import { TscRunError, UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';
import { SIGNATURE_POLICY_DESCRIBE } from './registry-flags.js';

interface RunlabelArgs extends GlobalArgs {
  label?: string;
  image?: string;
  args?: string[];
  authfile?: string;
  'cert-dir'?: string;
  creds?: string;
  display?: boolean;
  name?: string;
  opt1?: string;
  opt2?: string;
  opt3?: string;
  pull?: boolean;
  quiet?: boolean;
  replace?: boolean;
  'tls-verify'?: boolean;
  'signature-policy'?: string;
}

export const runlabelCommand: CommandModule<GlobalArgs, RunlabelArgs> & { trailing: { positionalsBefore: number; valueFlags: string[] } } = {
  command: 'runlabel [label] [image] [args..]',
  describe: 'Execute the command described by an image label',
  // Words after LABEL IMAGE are the label command's, flags included.
  trailing: { positionalsBefore: 2, valueFlags: ['--authfile', '--cert-dir', '--creds', '--name', '-n', '--opt1', '--opt2', '--opt3', '--signature-policy'] },
  builder: (y) =>
    y
      .usage('Usage: tsc-run container runlabel [options] LABEL IMAGE [ARG...]\n\nExecutes a command as described by a container image label.')
      .example('tsc-run container runlabel run imageID', '')
      .example('tsc-run container runlabel install imageID arg1 arg2', '')
      .example('tsc-run container runlabel --display run myImage', '')
      .option('authfile', { type: 'string', requiresArg: true, describe: 'Path of the authentication file. Use REGISTRY_AUTH_FILE environment variable to override' })
      .option('cert-dir', { type: 'string', requiresArg: true, describe: '`Pathname` of a directory containing TLS certificates and keys' })
      .option('creds', { type: 'string', requiresArg: true, describe: '`Credentials` (USERNAME:PASSWORD) to use for authenticating to a registry' })
      .option('display', { type: 'boolean', describe: 'Preview the command that the label would run' })
      .option('name', { alias: 'n', type: 'string', requiresArg: true, describe: 'Assign a name to the container' })
      .option('opt1', { type: 'string', requiresArg: true, hidden: true })
      .option('opt2', { type: 'string', requiresArg: true, hidden: true })
      .option('opt3', { type: 'string', requiresArg: true, hidden: true })
      .option('pull', { alias: 'p', type: 'boolean', hidden: true, default: true })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Suppress output information when installing images' })
      .option('replace', { type: 'boolean', describe: 'Replace existing container with a new one from the image' })
      .option('tls-verify', { type: 'boolean', describe: 'Require HTTPS and verify certificates when contacting registries (default true)' })
      .option('signature-policy', { type: 'string', requiresArg: true, hidden: true, describe: SIGNATURE_POLICY_DESCRIBE }),
  handler: async (argv) => {
    const trailing = ((argv as unknown as { '--'?: unknown[] })['--'] ?? []).map(String);
    const positionals = [argv.label, argv.image, ...(argv.args ?? [])].filter((a) => a !== undefined).map(String);
    const all = [...positionals, ...trailing];
    if (all.length < 2) throw new UsageError(`requires at least 2 arg(s), only received ${all.length}`);
    const [label, image, ...args] = all as [string, string, ...string[]];
    if (argv.authfile !== undefined && !(await import('node:fs')).existsSync(argv.authfile)) throw new UsageError(`stat ${argv.authfile}: no such file or directory`);
    const roots = rootsOf(argv);
    const [{ ensureCreateImage }, { ImageStore }, { imageFacts }, { runlabelCommand: command }, { selfCommand }] = await Promise.all([
      import('./create-pull.js'),
      import('../../storage/images.js'),
      import('../../image/catalog.js'),
      import('../../image/runlabel.js'),
      import('../../runtime/container/container-start.js'),
    ]);
    const got = await ensureCreateImage({ pull: argv.pull === false ? 'never' : 'missing', quiet: argv.quiet, authfile: argv.authfile, 'cert-dir': argv['cert-dir'], creds: argv.creds, 'tls-verify': argv['tls-verify'], 'signature-policy': argv['signature-policy'] }, image, roots.dataRoot);
    const record = got.record ?? (await new ImageStore(roots.dataRoot).lookup(got.image));
    const facts = await imageFacts(roots.dataRoot, record, []);
    if (!facts) throw new TscRunError(`${image}: image not known`);
    const labels = facts.config.config?.Labels ?? {};
    const value = Object.entries(labels).find(([k]) => k.toLowerCase() === label.toLowerCase())?.[1];
    if (!value) throw new TscRunError(`cannot find the value of label: ${label} in image: ${image}`);
    const env = { ...process.env, ...(argv.opt1 ? { OPT1: argv.opt1 } : {}), ...(argv.opt2 ? { OPT2: argv.opt2 } : {}), ...(argv.opt3 ? { OPT3: argv.opt3 } : {}) };
    const names = record.namesHistory?.length ? record.namesHistory : record.names;
    // The nested command uses the same stores: the global flags given before `container` go with it.
    const words = process.argv.slice(2);
    const globals = words.slice(0, Math.max(0, words.indexOf('container')));
    const cmd = command({ label: value, imageName: names[0] ?? record.id, imageId: record.id, input: image, args, name: argv.name, self: [...selfCommand(), ...globals], env, pwd: process.cwd() });
    if (argv.display) {
      process.stdout.write(`command: ${['tsc-run', ...cmd.slice(selfCommand().length)].join(' ')}\n`);
      return;
    }
    if (argv.replace) {
      const at = cmd.indexOf('--name');
      if (at >= 0 && cmd[at + 1] !== undefined) {
        const { ContainerStore, NoSuchContainerError } = await import('../../storage/containers.js');
        const rec = await new ContainerStore(roots.dataRoot).lookup(cmd[at + 1]!).catch((e: unknown) => {
          if (e instanceof NoSuchContainerError) return undefined;
          throw e;
        });
        if (rec) {
          const [{ lifecycleContext }, { removeContainer }, { warn }] = await Promise.all([
            import('../../runtime/container/lifecycle-context.js'),
            import('../../runtime/container/container-remove.js'),
            import('../warn.js'),
          ]);
          await removeContainer(lifecycleContext(roots, warn), rec.id, { force: true });
        }
      }
    }
    const [{ spawn }, { constants }] = await Promise.all([import('node:child_process'), import('node:os')]);
    const { CommandInvokeError, ChildExit } = await import('../../errors.js');
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(cmd[0]!, cmd.slice(1), { stdio: argv.quiet ? 'ignore' : 'inherit', env: { ...env, PODMAN_RUNLABEL_NESTED: '1' } });
      child.on('error', (e: NodeJS.ErrnoException) => reject(new CommandInvokeError(e.code === 'ENOENT' ? `exec: "${cmd[0]}": executable file not found in $PATH` : `fork/exec ${cmd[0]}: ${e.message}`, e.code === 'ENOENT')));
      child.on('close', (c, sig) => resolve(c ?? 128 + (sig ? constants.signals[sig] : 0)));
    });
    if (code !== 0) throw new ChildExit(code);
  },
};
