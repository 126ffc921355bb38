// `tsc-run network ...`: podman's network command family (create, ls|list,
// inspect, rm|remove, prune, exists, connect, disconnect, reload). The work is
// in src/network/; the DNS responder and port forwarders are helper modes.

import { isIP } from 'node:net';
import type { CommandModule } from 'yargs';
import { FlagError, UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';
import type { NetworkContext } from '../../network/network-commands.js';

const strings = { type: 'string', array: true, nargs: 1, requiresArg: true } as const;

/** pflag's ipSlice/StringSlice: each value may hold several, comma-separated. */
function sliceValues(values: readonly unknown[] | undefined): string[] {
  return (values ?? []).flatMap((v) => String(v).split(',')).filter((v) => v !== '');
}

function context(argv: GlobalArgs): NetworkContext {
  const roots = rootsOf(argv);
  return {
    roots,
    removeContainer: async (id, timeout) => {
      const { lifecycleContext } = await import('../../runtime/container/lifecycle-context.js');
      const { removeContainer } = await import('../../runtime/container/container-remove.js');
      const { warn } = await import('../warn.js');
      // A pod's infra on the network: the whole pod goes (podman: "forcibly delete containers and pods").
      const { ContainerStore } = await import('../../storage/containers.js');
      const rec = await new ContainerStore(roots.dataRoot).get(id);
      if (rec?.pod !== undefined) {
        const { PodStore } = await import('../../pod/pod-store.js');
        if ((await new PodStore(roots.dataRoot).get(rec.pod))?.infraId === id) {
          const { removePodOf } = await import('../../pod/pod-lifecycle.js');
          await removePodOf(roots, rec.pod, { force: true, timeout }, warn);
          return;
        }
      }
      await removeContainer(lifecycleContext(roots, warn), id, { force: true, timeout });
    },
  };
}

function noExtra(cmd: string, extra: readonly unknown[] | undefined): void {
  if (extra?.length) throw new UsageError(`\`tsc-run network ${cmd}\` takes no arguments`);
}

interface CreateArgs extends GlobalArgs {
  name?: string;
  extra?: string[];
  driver?: string;
  subnet?: string[];
  gateway?: string[];
  'ip-range'?: string[];
  ipv6?: boolean;
  internal?: boolean;
  'disable-dns'?: boolean;
  dns?: string[];
  label?: string[];
  opt?: string[];
  'ipam-driver'?: string;
  'interface-name'?: string;
  ignore?: boolean;
}

const createCommand: CommandModule<GlobalArgs, CreateArgs> = {
  command: 'create [name] [extra..]',
  describe: 'network create',
  builder: (y) =>
    y
      .usage('Usage: tsc-run network create [options] [NAME]\n\ncreate networks for containers and pods')
      .example('tsc-run network create podman1', '')
      .positional('name', { type: 'string' })
      .positional('extra', { type: 'string', array: true, hidden: true })
      .option('disable-dns', { type: 'boolean', describe: 'disable dns plugin' })
      .option('dns', { ...strings, describe: 'DNS servers this network will use' })
      .option('driver', { alias: 'd', type: 'string', requiresArg: true, describe: 'driver to manage the network (default "bridge")' })
      .option('gateway', { ...strings, goType: 'ipSlice', describe: 'IPv4 or IPv6 gateway for the subnet (default [])' })
      .option('ignore', { type: 'boolean', describe: "Don't fail if network already exists" })
      .option('interface-name', { type: 'string', requiresArg: true, describe: 'interface name which is used by the driver' })
      .option('internal', { type: 'boolean', describe: 'restrict external access from this network' })
      .option('ip-range', { ...strings, goType: 'stringArray', describe: 'allocate container IP from range' })
      .option('ipam-driver', { type: 'string', requiresArg: true, describe: 'IP Address Management Driver' })
      .option('ipv6', { type: 'boolean', describe: 'enable IPv6 networking' })
      .option('label', { ...strings, goType: 'stringArray', describe: 'set metadata on a network' })
      .option('opt', { ...strings, goType: 'stringArray', alias: 'o', describe: 'Set driver specific options (default [])' })
      .option('subnet', { ...strings, goType: 'stringArray', describe: 'subnets in CIDR format' }),
  handler: async (argv) => {
    if (argv.extra?.length) throw new UsageError(`accepts at most 1 arg(s), received ${argv.extra.length + 1}`);
    const { networkCreate } = await import('../../network/network-commands.js');
    process.stdout.write(
      await networkCreate(context(argv), {
        name: argv.name === undefined ? undefined : String(argv.name),
        driver: argv.driver,
        subnets: (argv.subnet ?? []).map(String),
        gateways: sliceValues(argv.gateway),
        ipRanges: (argv['ip-range'] ?? []).map(String),
        ipv6: argv.ipv6 === true,
        internal: argv.internal === true,
        disableDns: argv['disable-dns'] === true,
        dnsServers: sliceValues(argv.dns),
        labels: (argv.label ?? []).map(String),
        options: (argv.opt ?? []).map(String),
        ipamDriver: argv['ipam-driver'],
        interfaceName: argv['interface-name'],
        ignore: argv.ignore === true,
      }),
    );
  },
};

interface ListArgs extends GlobalArgs {
  extra?: string[];
  filter?: string[];
  format?: string;
  noheading?: boolean;
  'no-trunc'?: boolean;
  quiet?: boolean;
}

const listCommand: CommandModule<GlobalArgs, ListArgs> = {
  command: 'ls [extra..]',
  aliases: ['list'],
  describe: 'network list',
  builder: (y) =>
    y
      .usage('Usage: tsc-run network ls [options]\n\nList networks')
      .example('tsc-run network list', '')
      .positional('extra', { type: 'string', array: true, hidden: true })
      .option('filter', { ...strings, goType: 'stringArray', alias: 'f', describe: "Provide filter values (e.g. 'name=podman')" })
      .option('format', { type: 'string', requiresArg: true, describe: 'Pretty-print networks to JSON or using a Go template' })
      .option('no-trunc', { type: 'boolean', describe: 'Do not truncate the network ID' })
      .option('noheading', { type: 'boolean', describe: 'Do not print headers' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'display only names' })
      // --no-trunc is a flag of its own, not a negation.
      .parserConfiguration({ 'boolean-negation': false }),
  handler: async (argv: ListArgs) => {
    noExtra('ls', argv.extra);
    const { networkList } = await import('../../network/network-commands.js');
    process.stdout.write(
      await networkList(context(argv), {
        filters: (argv.filter ?? []).map(String),
        format: argv.format,
        quiet: argv.quiet === true,
        noTrunc: argv['no-trunc'] === true,
        noHeading: argv.noheading === true,
      }),
    );
  },
};

interface InspectArgs extends GlobalArgs {
  names?: string[];
  format?: string;
}

const inspectCommand: CommandModule<GlobalArgs, InspectArgs> = {
  command: 'inspect [names..]',
  describe: 'Inspect network',
  builder: (y) =>
    y
      .usage('Usage: tsc-run network inspect [options] NETWORK [NETWORK...]\n\nDisplays the network configuration for one or more networks.')
      .example('tsc-run network inspect podman', '')
      .option('format', { alias: 'f', type: 'string', requiresArg: true, describe: "Pretty-print network to JSON or using a Go template" }),
  handler: async (argv) => {
    const { networkInspect } = await import('../../network/network-commands.js');
    const out = await networkInspect(context(argv), (argv.names ?? []).map(String), argv.format);
    process.stdout.write(out.text);
    if (out.error) throw out.error;
  },
};

interface RmArgs extends GlobalArgs {
  names?: string[];
  force?: boolean;
  time?: number;
}

const rmCommand: CommandModule<GlobalArgs, RmArgs> = {
  command: 'rm [names..]',
  aliases: ['remove'],
  describe: 'network rm',
  builder: (y) =>
    y
      .usage('Usage: tsc-run network rm [options] NETWORK [NETWORK...]\n\nRemove networks')
      .example('tsc-run network rm podman', '')
      .option('force', { alias: 'f', type: 'boolean', describe: 'remove any containers using network' })
      .option('time', { alias: 't', type: 'number', goType: 'uint', requiresArg: true, describe: 'Seconds to wait for running containers to stop before killing the container (default 10)' }),
  handler: async (argv) => {
    if (argv.time !== undefined && !argv.force) throw new UsageError('--force option must be specified to use the --time option');
    const { networkRemove } = await import('../../network/network-commands.js');
    await networkRemove(context(argv), (argv.names ?? []).map(String), { force: argv.force === true, timeout: argv.time }, (n) => process.stdout.write(`${n}\n`));
  },
};

interface PruneArgs extends GlobalArgs {
  extra?: string[];
  filter?: string[];
  force?: boolean;
}

const pruneCommand: CommandModule<GlobalArgs, PruneArgs> = {
  command: 'prune [extra..]',
  describe: 'network prune',
  builder: (y) =>
    y
      .usage('Usage: tsc-run network prune [options]\n\nPrune unused networks')
      .example('tsc-run network prune', '')
      .positional('extra', { type: 'string', array: true, hidden: true })
      .option('filter', { ...strings, goType: 'stringArray', describe: 'Provide filter values (e.g. \'label=<key>=<value>\')' })
      .option('force', { alias: 'f', type: 'boolean', describe: 'do not prompt for confirmation' }),
  handler: async (argv) => {
    noExtra('prune', argv.extra);
    const { networkPrune, networkPruneCandidates } = await import('../../network/network-commands.js');
    const ctx = context(argv);
    const names = await networkPruneCandidates(ctx, (argv.filter ?? []).map(String));
    if (!argv.force) {
      const question = 'WARNING! This will remove all networks not used by at least one container.\nAre you sure you want to continue? [y/N] ';
      if (!(await (await import('../prompt.js')).confirm(question))) return;
    }
    await networkPrune(ctx, names, (n) => process.stdout.write(`${n}\n`));
  },
};

interface ExistsArgs extends GlobalArgs {
  args?: string[];
}

const existsCommand: CommandModule<GlobalArgs, ExistsArgs> = {
  command: 'exists [args..]',
  describe: 'network exists',
  builder: (y) =>
    y.usage('Usage: tsc-run network exists NETWORK\n\nIf the named network exists, tsc-run network exists exits with 0, otherwise the exit code will be 1.').example('tsc-run network exists net1', ''),
  handler: async (argv) => {
    const args = (argv.args ?? []).map(String);
    if (args.length !== 1) throw new UsageError(`accepts 1 arg(s), received ${args.length}`);
    const { networkExists } = await import('../../network/network-commands.js');
    if (!(await networkExists(context(argv), args[0]!))) process.exitCode = 1;
  },
};

interface ConnectArgs extends GlobalArgs {
  args?: string[];
  alias?: string[];
  ip?: string;
  ip6?: string;
  'mac-address'?: string;
}

const connectCommand: CommandModule<GlobalArgs, ConnectArgs> = {
  command: 'connect [args..]',
  describe: 'network connect',
  builder: (y) =>
    y
      .usage('Usage: tsc-run network connect [options] NETWORK CONTAINER\n\nAdd container to a network')
      .example('tsc-run network connect web secondary', '')
      .option('alias', { ...strings, describe: 'network scoped alias for container' })
      .option('ip', { type: 'string', goType: 'ip', requiresArg: true, describe: 'set a static ipv4 address for this container network' })
      .option('ip6', { type: 'string', goType: 'ip', requiresArg: true, describe: 'set a static ipv6 address for this container network' })
      .option('mac-address', { type: 'string', requiresArg: true, describe: 'set a static mac address for this container network' }),
  handler: async (argv) => {
    const args = (argv.args ?? []).map(String);
    if (args.length !== 2) throw new UsageError(`accepts 2 arg(s), received ${args.length}`);
    // pflag's IP flags fail at parsing (with cobra's See line); the MAC is parsed after, as podman's net.ParseMAC.
    for (const k of ['ip', 'ip6'] as const) {
      const v = argv[k];
      if (v !== undefined && isIP(v) === 0) throw new FlagError(`invalid argument ${JSON.stringify(v)} for "--${k}" flag: failed to parse IP: ${JSON.stringify(v)}`, 'tsc-run network connect');
    }
    const mac = argv['mac-address'];
    if (mac !== undefined && !/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(mac)) throw new UsageError(`address ${mac}: invalid MAC address`);
    const { connectContainer } = await import('../../network/bridge/bridge-connect.js');
    await connectContainer(rootsOf(argv), args[0]!, args[1]!, {
      aliases: sliceValues(argv.alias),
      ips: [argv.ip, argv.ip6].filter((x): x is string => x !== undefined),
      mac,
    });
  },
};

interface DisconnectArgs extends GlobalArgs {
  args?: string[];
  force?: boolean;
}

const disconnectCommand: CommandModule<GlobalArgs, DisconnectArgs> = {
  command: 'disconnect [args..]',
  describe: 'network disconnect',
  builder: (y) =>
    y
      .usage('Usage: tsc-run network disconnect [options] NETWORK CONTAINER\n\nRemove container from a network')
      .example('tsc-run network disconnect web secondary', '')
      .option('force', { alias: 'f', type: 'boolean', describe: 'force removal of container from network' }),
  handler: async (argv) => {
    const args = (argv.args ?? []).map(String);
    if (args.length !== 2) throw new UsageError(`accepts 2 arg(s), received ${args.length}`);
    const { disconnectContainer } = await import('../../network/bridge/bridge-connect.js');
    await disconnectContainer(rootsOf(argv), args[0]!, args[1]!, argv.force === true);
  },
};

const reloadCommand: CommandModule<GlobalArgs, GlobalArgs & { args?: string[]; all?: boolean; latest?: boolean }> = {
  command: 'reload [args..]',
  describe: 'Reload firewall rules for one or more containers',
  builder: (y) =>
    y
      .usage('Usage: tsc-run network reload [options] [CONTAINER...]\n\nreload container networks, recreating firewall rules')
      .example('tsc-run network reload --latest', '')
      .example('tsc-run network reload 3c13ef6dd843', '')
      .example('tsc-run network reload test1 test2', '')
      .option('all', { alias: 'a', type: 'boolean', describe: 'Reload network configuration of all containers' })
      .option('latest', { alias: 'l', type: 'boolean', describe: 'Act on the latest container tsc-run is aware of' }),
  handler: async (argv) => {
    const args = (argv.args ?? []).map(String);
    const all = argv.all === true;
    const latest = argv.latest === true;
    if (all && latest) throw new UsageError('--all and --latest cannot be used together');
    if (args.length && all) throw new UsageError('no arguments are needed with --all');
    if (args.length && latest) throw new UsageError('--latest and containers cannot be used together');
    if (!args.length && !all && !latest) throw new UsageError('you must provide at least one name or id');
    const { networkReload } = await import('../../network/bridge/bridge-restore.js');
    const r = await networkReload(rootsOf(argv), args, { all, latest });
    for (const id of r.ids) process.stdout.write(`${id}\n`);
    if (r.errors.length) {
      for (const e of r.errors.slice(0, -1)) process.stderr.write(`Error: ${e.message}\n`);
      throw r.errors[r.errors.length - 1]!;
    }
  },
};

/** `network` alone, or a subcommand we do not have: podman's messages, exit 125. */
const unknownSubcommand: CommandModule<GlobalArgs, GlobalArgs & { subcommand?: string }> = {
  command: '* [subcommand]',
  describe: false,
  handler: (argv) => {
    const hint = "try 'tsc-run network --help' for more information";
    if (argv.subcommand === undefined) throw new UsageError(`missing command 'tsc-run network COMMAND'; ${hint}`);
    throw new UsageError(`unrecognized command \`tsc-run network ${argv.subcommand}\`; ${hint}`);
  },
};

export const networkCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'network',
  describe: 'Manage networks',
  builder: (y) => y.command([createCommand, listCommand, inspectCommand, rmCommand, pruneCommand, existsCommand, connectCommand, disconnectCommand, reloadCommand, unknownSubcommand]),
  handler: () => {},
};
