// `tsc-run kube play|generate|down` (and podman's older spellings `play kube`,
// `generate kube`: play.ts, generate.ts). The work is in src/kube/.

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { commandGroup } from '../command-group.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';
import { SIGNATURE_POLICY_DESCRIBE } from './registry-flags.js';

/** podman 4.3's define.MaxKubeAnnotation (kube-plan.ts checks a YAML's own against it). */
const MAX_KUBE_ANNOTATION = 63;

const strings = { type: 'string', array: true, nargs: 1, requiresArg: true } as const;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function engineOf(argv: GlobalArgs) {
  const { selfEngine } = await import('../../compose/engine/runner.js');
  const globals: string[] = [];
  const a = argv as GlobalArgs & { root?: string; runroot?: string; 'storage-driver'?: string };
  if (a.root !== undefined) globals.push('--root', a.root);
  if (a.runroot !== undefined) globals.push('--runroot', a.runroot);
  if (a['storage-driver'] !== undefined) globals.push('--storage-driver', a['storage-driver']);
  return selfEngine(globals);
}

/** The KUBEFILE argument: yargs does not hand a lone `-` (stdin) to a positional, so it is looked for in argv. */
function sourceArg(file: unknown): string | undefined {
  if (typeof file === 'string' && file !== '') return file;
  return process.argv.slice(2).includes('-') ? '-' : undefined;
}

async function loadDocs(source: string) {
  return (await loadKube(source)).docs;
}

async function loadKube(source: string) {
  const { readKubeInput, parseKube } = await import('../../kube/kube-sources.js');
  const { text, name } = await readKubeInput(source, readStdin);
  return { text, docs: parseKube(text, name) };
}

interface PlayArgs extends GlobalArgs {
  file?: string;
  extra?: string[];
  down?: boolean;
  replace?: boolean;
  start?: boolean;
  build?: boolean;
  'context-dir'?: string;
  configmap?: string[];
  network?: string[];
  'log-driver'?: string;
  quiet?: boolean;
  'no-hosts'?: boolean;
  hosts?: boolean;
  userns?: string;
  authfile?: string;
  'cert-dir'?: string;
  creds?: string;
  'tls-verify'?: boolean;
  'signature-policy'?: string;
  annotation?: string[];
  ip?: string[];
  'mac-address'?: string[];
  'log-opt'?: string[];
  'seccomp-profile-root'?: string;
  'service-container'?: boolean;
}

/** --annotation KEY=VALUE (podman's checks: an '=' and a Kubernetes-sized value). */
function parseAnnotations(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of values) {
    const eq = a.indexOf('=');
    if (eq < 0) throw new UsageError(`annotation ${JSON.stringify(a)} must include an '=' sign`);
    const v = a.slice(eq + 1);
    if (v.length > MAX_KUBE_ANNOTATION) throw new UsageError(`annotation exceeds maximum size, ${MAX_KUBE_ANNOTATION}, of kubernetes annotation: ${v}`);
    out[a.slice(0, eq)] = v;
  }
  return out;
}

/** --ip (an IP each) and --mac-address (a MAC each), comma lists as pflag's slices. */
async function parseAddresses(ips: readonly string[], macs: readonly string[]): Promise<{ ips: string[]; macs: string[] }> {
  const net = await import('node:net');
  const ipList = ips.flatMap((v) => v.split(',')).filter((v) => v !== '');
  for (const ip of ipList) if (net.isIP(ip) === 0) throw new UsageError(`invalid argument ${JSON.stringify(ip)} for "--ip" flag: invalid string being converted to IP address: ${ip}`);
  const macList = macs.flatMap((v) => v.split(',')).filter((v) => v !== '');
  for (const mac of macList) if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(mac)) throw new UsageError(`address ${mac}: invalid MAC address`);
  return { ips: ipList, macs: macList };
}

/** --service-container: the service container's name and how it is made and linked (src/pod/pod-service.ts). */
async function serviceHooks(argv: GlobalArgs, yaml: string): Promise<import('../../kube/kube-play.js').ServiceHooks> {
  const svc = await import('../../pod/pod-service.js');
  const { helperTreeOps } = await import('../../host/helper/tree-ops.js');
  const roots = rootsOf(argv);
  const treeOps = helperTreeOps();
  return {
    name: svc.serviceContainerName(yaml),
    create: async (name) => (await svc.createServiceContainer(roots.dataRoot, name, (...p) => treeOps.rmtree(...p))).id,
    link: (podId, serviceId) => svc.linkServiceContainer(roots.dataRoot, podId, serviceId),
  };
}

export function playCommand(word: string, usage: string): CommandModule<GlobalArgs, PlayArgs> {
  return {
    command: `${word} [file] [extra..]`,
    describe: 'Play a pod or volume based on Kubernetes YAML.',
    builder: (y) =>
      y
        .usage(`Usage: tsc-run ${usage} [options] KUBEFILE|-\n\nCreates pods or volumes based on the Kubernetes kind described in the YAML. Supported kinds are Pods, Deployments, DaemonSets, PersistentVolumeClaims, ConfigMaps and Secrets.`)
        .positional('extra', { type: 'string', array: true, hidden: true })
        // Hidden in podman 4.3 (kube down is the command for it).
        .option('down', { type: 'boolean', hidden: true, describe: 'Stop pods defined in the YAML file' })
        .option('replace', { type: 'boolean', describe: 'Delete and recreate pods defined in the YAML file' })
        .option('start', { type: 'boolean', default: true, describe: 'Start the pod after creating it' })
        .option('build', { type: 'boolean', describe: 'Build all images in a YAML (given Containerfiles exist)' })
        .option('context-dir', { type: 'string', requiresArg: true, describe: 'Path to top level of context directory' })
        .option('configmap', { ...strings, describe: '`Pathname` of a YAML file containing a kubernetes configmap' })
        .option('network', { ...strings, describe: 'Connect pod to network(s) or network mode' })
        .option('log-driver', { type: 'string', requiresArg: true, describe: 'Logging driver for the container' })
        .option('quiet', { alias: 'q', type: 'boolean', describe: 'Suppress output information when pulling images' })
        // yargs reads `--no-hosts` as hosts=false (as run's flag table does); help shows podman's --no-hosts.
        .option('hosts', { type: 'boolean', hidden: true })
        .option('no-hosts', { type: 'boolean', describe: "Do not create /etc/hosts within the pod's containers, instead use the version from the image" })
        .option('userns', { type: 'string', requiresArg: true, describe: 'User namespace to use' })
        .option('authfile', { type: 'string', requiresArg: true, describe: 'Path of the authentication file' })
        .option('cert-dir', { type: 'string', requiresArg: true, describe: '`Pathname` of a directory containing TLS certificates and keys' })
        .option('creds', { type: 'string', requiresArg: true, describe: '`Credentials` (USERNAME:PASSWORD) to use for authenticating to a registry' })
        .option('tls-verify', { type: 'boolean', describe: 'Require HTTPS and verify certificates when contacting registries (default true)' })
        .option('signature-policy', { type: 'string', requiresArg: true, hidden: true, describe: SIGNATURE_POLICY_DESCRIBE })
        .option('annotation', { ...strings, describe: 'Add annotations to pods (key=value)' })
        .option('ip', { ...strings, describe: 'Static IP addresses to assign to the pods (default [])' })
        .option('mac-address', { ...strings, describe: 'Static MAC addresses to assign to the pods' })
        .option('log-opt', { ...strings, describe: 'Logging driver options' })
        .option('seccomp-profile-root', { type: 'string', requiresArg: true, describe: 'Directory path for seccomp profiles (default "/var/lib/kubelet/seccomp")' })
        // Hidden in podman 4.3 too.
        .option('service-container', { type: 'boolean', hidden: true, describe: 'Starts a service container before all pods' }),
    handler: async (argv) => {
      if (argv['service-container'] === true && argv.start === false) throw new UsageError('--service-container does not work with --start=stop');
      const file = sourceArg(argv.file);
      if (file === undefined) throw new UsageError('accepts 1 arg(s), received 0');
      if (argv.extra?.length) throw new UsageError(`accepts 1 arg(s), received ${argv.extra.length + 1}`);
      if (argv.down && argv.replace) throw new UsageError('--down and --replace cannot be used together');
      const networks = (argv.network ?? []).flatMap((n) => String(n).split(',')).filter(Boolean);
      const annotations = parseAnnotations((argv.annotation ?? []).map(String));
      const addresses = await parseAddresses((argv.ip ?? []).map(String), (argv['mac-address'] ?? []).map(String));
      const { text, docs } = await loadKube(file);
      const engine = await engineOf(argv);
      const { kubeDown, kubePlay } = await import('../../kube/kube-play.js');
      if (argv.down) {
        process.stdout.write(await kubeDown(engine, docs));
        return;
      }
      const { readConfigMaps } = await import('../../kube/kube-sources.js');
      const configMaps = await readConfigMaps((argv.configmap ?? []).flatMap((c) => String(c).split(',')).filter(Boolean));
      const registryArgs: string[] = [];
      if (argv.authfile !== undefined) registryArgs.push('--authfile', argv.authfile);
      if (argv['cert-dir'] !== undefined) registryArgs.push('--cert-dir', argv['cert-dir']);
      if (argv.creds !== undefined) registryArgs.push('--creds', argv.creds);
      if (argv['tls-verify'] !== undefined) registryArgs.push(`--tls-verify=${String(argv['tls-verify'])}`);
      if (argv['signature-policy'] !== undefined) registryArgs.push('--signature-policy', argv['signature-policy']);
      const { warn } = await import('../warn.js');
      const out = await kubePlay(
        engine,
        docs,
        configMaps,
        {
          start: argv.start !== false,
          build: argv.build,
          buildOutput: (t) => process.stderr.write(t),
          contextDir: argv['context-dir'] !== undefined ? (await import('node:path')).resolve(argv['context-dir']) : process.cwd(),
          replace: argv.replace === true,
          networks,
          logDriver: argv['log-driver'],
          noHosts: argv['no-hosts'] === true || argv.hosts === false,
          userns: argv.userns,
          quiet: argv.quiet === true,
          registryArgs,
          annotations,
          ips: addresses.ips,
          macs: addresses.macs,
          logOpts: (argv['log-opt'] ?? []).flatMap((o) => String(o).split(',')).filter(Boolean),
          seccompProfileRoot: argv['seccomp-profile-root'],
          service: argv['service-container'] === true ? await serviceHooks(argv, text) : undefined,
        },
        warn,
      );
      process.stdout.write(out);
    },
  };
}

interface DownArgs extends GlobalArgs {
  file?: string;
  extra?: string[];
}

const downCommand: CommandModule<GlobalArgs, DownArgs> = {
  command: 'down [file] [extra..]',
  describe: 'Remove pods based on Kubernetes YAML.',
  builder: (y) =>
    y
      .usage('Usage: tsc-run kube down KUBEFILE|-\n\nReads in a structured file of Kubernetes YAML.  Removes pods that have been based on the Kubernetes kind described in the YAML.')
      .positional('extra', { type: 'string', array: true, hidden: true }),
  handler: async (argv) => {
    const file = sourceArg(argv.file);
    if (file === undefined) throw new UsageError('accepts 1 arg(s), received 0');
    if (argv.extra?.length) throw new UsageError(`accepts 1 arg(s), received ${argv.extra.length + 1}`);
    const docs = await loadDocs(file);
    const { kubeDown } = await import('../../kube/kube-play.js');
    process.stdout.write(await kubeDown(await engineOf(argv), docs));
  },
};

interface GenerateArgs extends GlobalArgs {
  names?: string[];
  service?: boolean;
  filename?: string;
  type?: string;
  replicas?: number;
}

export function generateCommand(word: string, usage: string): CommandModule<GlobalArgs, GenerateArgs> {
  return {
    command: `${word} [names..]`,
    describe: 'Generate Kubernetes YAML from containers, pods or volumes.',
    builder: (y) =>
      y
        .usage(`Usage: tsc-run ${usage} [options] {CONTAINER...|POD...|VOLUME...}\n\nCommand generates Kubernetes Pod, Service or PersistentVolumeClaim YAML (v1 specification) from tsc-run containers, pods or volumes.`)
        .option('service', { alias: 's', type: 'boolean', describe: 'Generate YAML for a Kubernetes service object' })
        .option('filename', { alias: 'f', type: 'string', requiresArg: true, describe: 'Write output to the specified path' })
        .option('type', { alias: 't', type: 'string', requiresArg: true, describe: 'Generate YAML for the given Kubernetes kind (pod, deployment) (default "pod")' })
        .option('replicas', { alias: 'r', type: 'number', requiresArg: true, describe: 'Set the replica number for Deployment kind (default 1)' }),
    handler: async (argv) => {
      const names = (argv.names ?? []).map(String);
      if (names.length === 0) throw new UsageError('requires at least 1 arg(s), only received 0');
      const type = argv.type ?? 'pod';
      if (type !== 'pod' && type !== 'deployment') throw new UsageError(`invalid type given, only supported types are pod and deployment`);
      if (argv.replicas !== undefined && type !== 'deployment') throw new UsageError('--replicas can only be set when --type is set to deployment');
      const replicas = argv.replicas ?? 1;
      if (!Number.isInteger(replicas) || replicas < 1) throw new UsageError(`invalid replicas ${String(argv.replicas)}: want a positive integer`);
      const { generateInputs } = await import('../../kube/kube-sources.js');
      const { toKube } = await import('../../kube/kube-generate.js');
      const inputs = await generateInputs(rootsOf(argv), names);
      const { warn } = await import('../warn.js');
      const text = toKube(inputs.pods, { service: argv.service === true, type, replicas, warn }, new Date(), inputs.volumes);
      if (argv.filename !== undefined) {
        const fs = await import('node:fs/promises');
        try {
          await fs.writeFile(argv.filename, text, { flag: 'wx', mode: 0o644 });
        } catch (err) {
          const { TscRunError } = await import('../../errors.js');
          throw new TscRunError((err as NodeJS.ErrnoException).code === 'EEXIST' ? `cannot write to ${JSON.stringify(argv.filename)}: file exists` : (err as Error).message);
        }
        return;
      }
      // podman prints it with Println: one more newline than the file gets.
      process.stdout.write(`${text}\n`);
    },
  };
}

export const kubeCommand = commandGroup({
  name: 'kube',
  describe: 'Play containers, pods or volumes from a structured file',
  long: 'Play structured data (e.g., Kubernetes YAML) based on containers, pods or volumes.',
  subcommands: [downCommand, generateCommand('generate', 'kube generate'), playCommand('play', 'kube play')],
});
