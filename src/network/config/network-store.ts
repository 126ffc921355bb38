// networks/NAME.json under the data root: one netavark-format config per
// network (podman's layout). Created and removed under the networks lock
// (locks/networks.lock), so two concurrent `network create` never choose the
// same subnet, name or interface: the plan is made from what is on disk
// while the lock is held. Files are written atomically (temp + fsync +
// rename); a file that does not parse is skipped in listings (podman warns
// and skips too) and reported when named.

import fs from 'node:fs/promises';
import path from 'node:path';
import { TscRunError } from '../../errors.js';
import { errnoCode, isTempFileName, writeFileAtomic } from '../../storage/atomic-file.js';
import { parseJsonText } from '../../storage/json-store.js';
import { withLock } from '../../storage/lock.js';
import { DEFAULT_NETWORK_NAME, defaultNetwork, serializeNetworkConfig, validateNetworkConfig, type NetworkConfig } from './network-config.js';
import { engineConfig } from '../../host/engine-config.js';

export class NetworkNotFoundError extends TscRunError {
  constructor(readonly nameOrId: string) {
    super(`unable to find network with name or ID ${nameOrId}: network not found`);
  }
}

export class NetworkStore {
  readonly dir: string;
  readonly lockPath: string;

  constructor(readonly dataRoot: string) {
    // --network-config-dir, or network_config_dir in containers.conf, moves the configs (not their lock).
    this.dir = engineConfig().networkConfigDir ?? path.join(dataRoot, 'networks');
    this.lockPath = path.join(dataRoot, 'locks', 'networks.lock');
  }

  file(name: string): string {
    return path.join(this.dir, `${name}.json`);
  }

  locked<T>(fn: () => Promise<T>): Promise<T> {
    return withLock(this.lockPath, fn);
  }

  private async readOne(name: string): Promise<NetworkConfig | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.file(name), 'utf8');
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return undefined;
      throw err;
    }
    const c = parseJsonText(this.file(name), text, validateNetworkConfig);
    if (c.name !== name) throw new TscRunError(`network config ${this.file(name)} names another network (${c.name})`);
    return c;
  }

  /** Every network, the default one included (on disk it overrides the built-in one), by name. */
  async list(): Promise<NetworkConfig[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw err;
      names = [];
    }
    const out: NetworkConfig[] = [];
    for (const f of names) {
      if (!f.endsWith('.json') || isTempFileName(f)) continue;
      try {
        const c = await this.readOne(f.slice(0, -'.json'.length));
        if (c) out.push(c);
      } catch (err) {
        if (!(err instanceof TscRunError)) throw err;
      }
    }
    if (!out.some((n) => n.name === DEFAULT_NETWORK_NAME)) out.push(defaultNetwork(new Date()));
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** By exact name, full id, or unique id prefix (podman's getNetwork). */
  async find(nameOrId: string, all?: readonly NetworkConfig[]): Promise<NetworkConfig | undefined> {
    const nets = all ?? (await this.list());
    const byName = nets.find((n) => n.name === nameOrId);
    if (byName) return byName;
    if (!/^[0-9a-f]+$/.test(nameOrId)) return undefined;
    const byId = nets.filter((n) => n.id.startsWith(nameOrId));
    if (byId.length > 1) throw new TscRunError(`more than one result for network ID ${nameOrId}`);
    return byId[0];
  }

  async lookup(nameOrId: string): Promise<NetworkConfig> {
    const n = await this.find(nameOrId);
    if (!n) throw new NetworkNotFoundError(nameOrId);
    return n;
  }

  /** Under the lock: plan from what exists, then write the new config. */
  async create(plan: (existing: NetworkConfig[]) => { config: NetworkConfig; isNew: boolean }): Promise<NetworkConfig> {
    return this.locked(async () => {
      const { config, isNew } = plan(await this.list());
      if (!isNew) return config;
      await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.file(config.name), serializeNetworkConfig(config), { mode: 0o644 });
      return config;
    });
  }

  /** Remove a config file (the caller holds the lock and checked no container uses it). */
  async removeFile(name: string): Promise<void> {
    if (name === DEFAULT_NETWORK_NAME) throw new TscRunError(`default network ${name} cannot be removed`);
    try {
      await fs.unlink(this.file(name));
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw err;
    }
  }
}
