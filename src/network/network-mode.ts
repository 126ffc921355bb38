// `--network` values, podman's ParseNetworkFlag: host, none, pasta[:OPTS],
// slirp4netns[:OPTS], container:NAME, private/default (the rootless
// backend: pasta where installed, else slirp4netns), and bridge networks:
// `bridge` (the default network `podman`) or a network's name, each with
// `:ip=...,ip6=...,mac=...,alias=...,interface_name=...`, and ns:PATH (an
// existing network namespace, joined with its user namespace). Pure.

import { TscRunError, UsageError } from '../errors.js';

export type NetworkRequest =
  | { kind: 'default' }
  | { kind: 'host' }
  | { kind: 'none' }
  | { kind: 'pasta'; options: string[] }
  | { kind: 'slirp4netns'; options: string[] }
  | { kind: 'container'; nameOrId: string }
  | { kind: 'ns'; path: string }
  | { kind: 'bridge'; name: string; options: string[] };

/** What container.json records: the mode, `container:<full id>` for a shared namespace. */
export type NetworkMode = 'host' | 'none' | 'pasta' | 'slirp4netns' | 'bridge' | `container:${string}` | `ns:${string}`;

/** `pasta:a,b` → options ['a', 'b']; an empty list for the bare name. */
function withOptions(value: string): string[] {
  const i = value.indexOf(':');
  return i < 0 ? [] : value.slice(i + 1).split(',');
}

export function parseNetworkFlag(value: string | undefined): NetworkRequest {
  const v = value ?? '';
  if (v === '' || v === 'default' || v === 'private') return { kind: 'default' };
  if (v === 'host') return { kind: 'host' };
  if (v === 'none') return { kind: 'none' };
  if (v === 'pasta' || v.startsWith('pasta:')) return { kind: 'pasta', options: withOptions(v) };
  if (v === 'slirp4netns' || v.startsWith('slirp4netns:')) {
    const options = withOptions(v);
    for (const o of options) checkSlirpOption(o);
    return { kind: 'slirp4netns', options };
  }
  if (v.startsWith('container:')) {
    const nameOrId = v.slice('container:'.length);
    if (nameOrId === '') throw new UsageError('invalid config provided: namespace mode container requires a value');
    return { kind: 'container', nameOrId };
  }
  if (v.startsWith('ns:')) {
    const p = v.slice('ns:'.length);
    if (p === '') throw new UsageError('invalid config provided: namespace mode path requires a value');
    return { kind: 'ns', path: p };
  }
  const colon = v.indexOf(':');
  const name = colon < 0 ? v : v.slice(0, colon);
  const options = colon < 0 ? [] : v.slice(colon + 1).split(',');
  return { kind: 'bridge', name: name === 'bridge' ? 'podman' : name, options };
}

const SLIRP_OPTIONS = ['allow_host_loopback', 'mtu', 'cidr', 'enable_ipv6', 'outbound_addr', 'outbound_addr6', 'port_handler'];

/** podman's slirp4netns option names and values (network_cmd_options). */
export function checkSlirpOption(o: string): void {
  const eq = o.indexOf('=');
  const key = eq < 0 ? o : o.slice(0, eq);
  const value = eq < 0 ? '' : o.slice(eq + 1);
  if (!SLIRP_OPTIONS.includes(key)) throw new TscRunError(`unknown option for slirp4netns: ${JSON.stringify(o)}`);
  const bool = key === 'allow_host_loopback' || key === 'enable_ipv6';
  if (bool && value !== 'true' && value !== 'false') {
    throw new TscRunError(`invalid value of ${key} for slirp4netns: ${JSON.stringify(value)}`);
  }
  if (key === 'mtu' && !(/^\d+$/.test(value) && Number(value) >= 68 && Number(value) <= 65521)) {
    throw new TscRunError(`invalid value of mtu for slirp4netns: ${JSON.stringify(value)}`);
  }
  if (key === 'cidr' && !/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(value)) throw new TscRunError(`invalid cidr for slirp4netns: ${JSON.stringify(value)}`);
  if (key === 'port_handler' && value !== 'slirp4netns') {
    throw new TscRunError(
      value === 'rootlesskit'
        ? 'port_handler=rootlesskit is not supported: tsc-run forwards ports through slirp4netns itself'
        : `unknown port_handler for slirp4netns: ${JSON.stringify(value)}`,
    );
  }
  if ((key === 'outbound_addr' || key === 'outbound_addr6') && value === '') {
    throw new TscRunError(`invalid value of ${key} for slirp4netns: ""`);
  }
}

export type RootlessBackend = 'pasta' | 'slirp4netns';

/** A network request → the mode to record, given which backends exist (default: pasta, else slirp4netns). */
export function resolveNetworkMode(req: Exclude<NetworkRequest, { kind: 'container' } | { kind: 'bridge' }>, installed: { pasta: boolean; slirp4netns: boolean }): NetworkMode {
  if (req.kind === 'host' || req.kind === 'none') return req.kind;
  if (req.kind === 'ns') return `ns:${req.path}`;
  const want: RootlessBackend | undefined = req.kind === 'default' ? (installed.pasta ? 'pasta' : installed.slirp4netns ? 'slirp4netns' : undefined) : req.kind;
  if (want === undefined) {
    throw new TscRunError(
      'no network backend: neither pasta nor slirp4netns is installed (sudo apt-get install passt); or run the container with --network none or --network host',
    );
  }
  if (!installed[want]) {
    throw new TscRunError(`${want} is not installed: ${want === 'pasta' ? 'sudo apt-get install passt' : 'sudo apt-get install slirp4netns'}, or use another --network`);
  }
  return want;
}

/** The options given after `pasta:` / `slirp4netns:` (none for the default). */
export function networkOptionsOf(req: NetworkRequest): string[] {
  return req.kind === 'pasta' || req.kind === 'slirp4netns' ? req.options : [];
}

/** The full id of the container whose network a `container:ID` mode shares, else undefined. */
export function sharedNetworkContainer(mode: string): string | undefined {
  return mode.startsWith('container:') ? mode.slice('container:'.length) : undefined;
}

/** The network namespace file an `ns:PATH` mode joins, else undefined. */
export function joinedNetworkPath(mode: string): string | undefined {
  return mode.startsWith('ns:') ? mode.slice('ns:'.length) : undefined;
}

/** Does the mode run a network program (and so can publish ports)? */
export function hasNetworkProgram(mode: string): mode is RootlessBackend {
  return mode === 'pasta' || mode === 'slirp4netns';
}
