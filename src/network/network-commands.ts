// The `network` commands' work on configs, podman 4.3's behaviour: create,
// ls, inspect, rm, exists, prune. Each returns what to print; the CLI module
// parses flags. Connectivity lives in src/network/bridge/.

import os from 'node:os';
import type { Roots } from '../config/paths.js';
import { MultipleErrors, TscRunError, UsageError } from '../errors.js';
import { rfc3339Nano } from '../format/go-time.js';
import { formatInspect, formatList } from '../format/output.js';
import { isJsonFormat } from '../format/is-json.js';
import { ContainerStore, type ContainerRecord } from '../storage/containers.js';
import { planNetworkCreate, type CreateRequest } from './config/create-plan.js';
import { DEFAULT_NETWORK_NAME, type NetworkConfig } from './config/network-config.js';
import { networkMatches, parseNetworkFilters } from './config/network-filters.js';
import { NetworkNotFoundError, NetworkStore } from './config/network-store.js';
import { networkUsers } from './config/network-users.js';
import { networkListRow, networkTemplateView } from './config/network-view.js';

export interface NetworkContext {
  roots: Roots;
  /** Remove a container attached to a network being force-removed (rm -f). */
  removeContainer: (id: string, timeout: number | undefined) => Promise<void>;
}

/** Names that are network modes of `--network`, never network names (podman's list). */
const MODE_NAMES = ['none', 'host', 'bridge', 'private', 'slirp4netns', 'container', 'ns', 'pasta'];

/** The host's interface names and subnets: podman never picks a subnet the host uses. */
function hostNetworks(): { names: string[]; subnets: string[] } {
  const ifs = os.networkInterfaces();
  return {
    names: Object.keys(ifs),
    subnets: Object.values(ifs).flatMap((addrs) => (addrs ?? []).map((a) => a.cidr).filter((c): c is string => c !== null)),
  };
}

export async function networkCreate(ctx: NetworkContext, req: CreateRequest & { ignore: boolean }): Promise<string> {
  if (req.name !== undefined && MODE_NAMES.includes(req.name)) {
    throw new TscRunError(`cannot create network with name ${JSON.stringify(req.name)} because it conflicts with a valid network mode`);
  }
  const store = new NetworkStore(ctx.roots.dataRoot);
  const host = hostNetworks();
  const crypto = process.getBuiltinModule('node:crypto');
  const config = await store.create((existing) => {
    const same = req.name !== undefined ? existing.find((n) => n.name === req.name) : undefined;
    if (same && req.ignore) return { config: same, isNew: false };
    const planned = planNetworkCreate(req, {
      existing,
      hostSubnets: host.subnets,
      hostInterfaces: host.names,
      now: new Date(),
      rand: (n) => new Uint8Array(crypto.randomBytes(n)),
      createdText: (d) => rfc3339Nano(d),
    });
    return { config: planned, isNew: true };
  });
  return `${config.name}\n`;
}

async function containersOf(dataRoot: string): Promise<ContainerRecord[]> {
  return new ContainerStore(dataRoot).list();
}

export interface ListOptions {
  filters: readonly string[];
  format?: string | undefined;
  quiet: boolean;
  noTrunc: boolean;
  noHeading: boolean;
}

export async function networkList(ctx: NetworkContext, o: ListOptions): Promise<string> {
  const filters = parseNetworkFilters(o.filters, false);
  if ((filters.get('dangling')?.length ?? 0) > 1) throw new UsageError('got more than one value for filter key "dangling"');
  const containers = filters.has('dangling') ? await containersOf(ctx.roots.dataRoot) : [];
  const now = new Date();
  // The default network never counts as dangling (podman's dangling filter).
  const inUse = (n: NetworkConfig): boolean => n.name === DEFAULT_NETWORK_NAME || networkUsers(containers, n.name).length > 0;
  const nets = (await new NetworkStore(ctx.roots.dataRoot).list()).filter((n) => networkMatches(n, filters, inUse(n), now));
  if (o.quiet) return nets.map((n) => `${n.name}\n`).join('');
  // podman marshals ls --format json with a two-space indent.
  if (isJsonFormat(o.format)) return JSON.stringify(nets, null, 2) + '\n';
  return formatList(
    nets.map((n) => networkListRow(n, o.noTrunc)),
    { format: o.format, noHeading: o.noHeading, columns: [{ field: 'ID', header: 'NETWORK ID' }, { field: 'Name' }, { field: 'Driver' }] },
  );
}

export async function networkInspect(ctx: NetworkContext, names: readonly string[], format: string | undefined): Promise<{ text: string; error?: TscRunError }> {
  if (!names.length) throw new UsageError('requires at least 1 arg(s), only received 0');
  const store = new NetworkStore(ctx.roots.dataRoot);
  const all = await store.list();
  const found: NetworkConfig[] = [];
  const errors: TscRunError[] = [];
  for (const n of names) {
    const net = await store.find(n, all);
    if (net) found.push(net);
    else errors.push(new TscRunError(`inspecting object: network ${n}: unable to find network with name or ID ${n}: network not found`));
  }
  const template = format !== undefined && !isJsonFormat(format);
  const text = template ? formatInspect(found.map(networkTemplateView), format) : formatInspect(found);
  const error = errors.length === 0 ? undefined : errors.length === 1 ? errors[0] : new MultipleErrors(errors);
  return error ? { text, error } : { text };
}

export class NetworkInUseError extends TscRunError {
  constructor(name: string) {
    super(`${JSON.stringify(name)} has associated containers with it. Use -f to forcibly delete containers and pods: network is being used`, 2);
  }
}

/** Remove one network's config; refused while a container is attached unless forced (those containers go first). */
async function removeNetwork(ctx: NetworkContext, nameOrId: string, force: boolean, timeout: number | undefined): Promise<string> {
  const store = new NetworkStore(ctx.roots.dataRoot);
  const net = await store.find(nameOrId);
  if (!net) throw new NetworkNotFoundError(nameOrId);
  if (net.name === DEFAULT_NETWORK_NAME) throw new TscRunError(`default network ${net.name} cannot be removed`);
  const users = networkUsers(await containersOf(ctx.roots.dataRoot), net.name);
  if (users.length && !force) throw new NetworkInUseError(net.name);
  for (const c of users) await ctx.removeContainer(c.id, timeout);
  // Containers are created under the containers lock and check the network exists
  // under it: taking it here means no container attaches between the check and the unlink.
  const { withLock } = await import('../storage/lock.js');
  const path = await import('node:path');
  await withLock(path.join(ctx.roots.dataRoot, 'locks', 'containers.lock'), () =>
    store.locked(async () => {
      if (networkUsers(await containersOf(ctx.roots.dataRoot), net.name).length) throw new NetworkInUseError(net.name);
      await store.removeFile(net.name);
    }),
  );
  // The runtime files its containers' starts left (pids/, ports/) whose processes are gone.
  const { sweepNetworkFiles } = await import('./bridge/runtime-files.js');
  await sweepNetworkFiles(ctx.roots);
  return net.name;
}

export async function networkRemove(ctx: NetworkContext, names: readonly string[], o: { force: boolean; timeout?: number | undefined }, print: (line: string) => void): Promise<void> {
  if (!names.length) throw new UsageError('requires at least 1 arg(s), only received 0');
  const errors: TscRunError[] = [];
  for (const n of names) {
    try {
      print(await removeNetwork(ctx, n, o.force, o.timeout));
    } catch (err) {
      if (!(err instanceof TscRunError)) throw err;
      if (o.force && err instanceof NetworkNotFoundError) continue;
      // podman stops at a network in use; a missing one is reported and the rest go on.
      if (err instanceof NetworkInUseError) {
        errors.push(err);
        break;
      }
      errors.push(err instanceof NetworkNotFoundError ? new TscRunError(err.message, 1) : err);
    }
  }
  if (errors.length) throw errors.length === 1 ? errors[0]! : new MultipleErrors(errors);
}

export async function networkExists(ctx: NetworkContext, name: string): Promise<boolean> {
  return (await new NetworkStore(ctx.roots.dataRoot).find(name)) !== undefined;
}

/** The networks `network prune` would remove: unused, not the default, matching the filters. */
export async function networkPruneCandidates(ctx: NetworkContext, filters: readonly string[]): Promise<string[]> {
  const f = parseNetworkFilters(filters, true);
  const containers = await containersOf(ctx.roots.dataRoot);
  const now = new Date();
  return (await new NetworkStore(ctx.roots.dataRoot).list())
    .filter((n) => n.name !== DEFAULT_NETWORK_NAME && networkUsers(containers, n.name).length === 0 && networkMatches(n, f, false, now))
    .map((n) => n.name);
}

/** Remove the given networks if still unused (a container may have attached meanwhile: skipped). */
export async function networkPrune(ctx: NetworkContext, names: readonly string[], print: (line: string) => void): Promise<void> {
  const errors: TscRunError[] = [];
  for (const n of names) {
    try {
      print(await removeNetwork(ctx, n, false, undefined));
    } catch (err) {
      if (err instanceof NetworkInUseError || err instanceof NetworkNotFoundError) continue;
      if (!(err instanceof TscRunError)) throw err;
      errors.push(err);
    }
  }
  if (errors.length) throw errors.length === 1 ? errors[0]! : new MultipleErrors(errors);
}
