// The one way an integration test gets a store: a sandbox (--root,
// --runroot, HOME, XDG_RUNTIME_DIR of its own), empty or with the busybox
// test image imported, and its disposal (containers removed first, so no
// monitor outlives a test file). Files that need many stores (one per case)
// take them from a pool that disposes of them all at once.

import fs from 'node:fs';
import path from 'node:path';
import { tscRun, tscRunOk, type TscRunResult } from './cli.js';
import { buildBusyboxRootfsTar, type BusyboxRootfsOptions } from './images.js';
import { makeSandbox, type Sandbox } from './sandbox.js';
import type { As } from './user.js';

/** The busybox image as it was imported into a store. */
export interface ImportedImage {
  /** The name it was imported as (`bb` unless asked otherwise). */
  ref: string;
  /** Its image id (64 hex digits, no `sha256:`). */
  id: string;
  /** The rootfs tarball it was imported from (in the sandbox's `dir`, owned by its owner). */
  tar: string;
  /** What `tsc-run import` printed. */
  output: TscRunResult;
}

export interface BusyboxStore extends Sandbox {
  image: ImportedImage;
}

export interface BusyboxOptions {
  /** The name to import as; default `bb`. */
  ref?: string;
  /** Applets and extra entries of the rootfs (see images.ts). */
  rootfs?: BusyboxRootfsOptions;
  /** The tarball's name under the sandbox's `dir`; default `rootfs.tar`. */
  tarName?: string;
}

/** A sandbox with an empty store, owned by `as` (default the test user). */
export function emptyStore(name: string, as: As = 'user'): Promise<Sandbox> {
  return makeSandbox(name, { as });
}

/** Import a busybox rootfs into an existing store (for set-ups that must prepare the rootfs's content in the sandbox first). */
export async function importBusybox(sb: Sandbox, opts: BusyboxOptions = {}): Promise<ImportedImage> {
  const ref = opts.ref ?? 'bb';
  const tar = (await buildBusyboxRootfsTar(path.join(sb.dir, opts.tarName ?? 'rootfs.tar'), opts.rootfs ?? {})).path;
  sb.chown(tar);
  const output = await tscRunOk(['import', tar, ref], { sandbox: sb });
  return { ref, id: output.stdout.trim().replace(/^sha256:/, ''), tar, output };
}

/** A sandbox whose store holds the busybox test image (`bb` unless `opts.ref`); for beforeAll. */
export async function busyboxStore(name: string, as: As = 'user', opts: BusyboxOptions = {}): Promise<BusyboxStore> {
  const sb = await emptyStore(name, as);
  try {
    return Object.assign(sb, { image: await importBusybox(sb, opts) });
  } catch (e) {
    await sb.cleanup();
    throw e;
  }
}

/** Every container of the store stopped and removed. */
export async function removeAll(sb: Sandbox): Promise<void> {
  await tscRun(['rm', '-fa', '-t', '0'], { sandbox: sb, timeoutMs: 60_000 });
}

function hasContainers(sb: Sandbox): boolean {
  try {
    return fs.readdirSync(path.join(sb.root, 'containers')).length > 0;
  } catch {
    return false;
  }
}

/** A store's end (for afterAll): its containers removed, then its sandbox. Accepts undefined (a failed beforeAll). */
export async function disposeStore(sb: Sandbox | undefined): Promise<void> {
  if (!sb) return;
  // `rm -fa` costs a CLI start; a store that never had a container skips it.
  if (hasContainers(sb)) await removeAll(sb);
  await sb.cleanup();
}

export interface StorePool {
  /** An empty store named `${prefix}-${name}`, disposed of with the pool. */
  empty(name: string, as?: As): Promise<Sandbox>;
  /** A busybox store named `${prefix}-${name}`, disposed of with the pool. */
  busybox(name: string, as?: As, opts?: BusyboxOptions): Promise<BusyboxStore>;
  /** The stores made so far, oldest first. */
  readonly stores: readonly Sandbox[];
  /** Dispose of every store made so far (for afterAll). */
  dispose(): Promise<void>;
}

/** Stores made one per case (`const stores = storePool('pull')`; `afterAll(() => stores.dispose())`). */
export function storePool(prefix: string): StorePool {
  const made: Sandbox[] = [];
  const keep = <T extends Sandbox>(sb: T): T => {
    made.push(sb);
    return sb;
  };
  return {
    empty: async (name, as) => keep(await emptyStore(`${prefix}-${name}`, as)),
    busybox: async (name, as, opts) => keep(await busyboxStore(`${prefix}-${name}`, as, opts)),
    stores: made,
    async dispose() {
      for (const sb of made.splice(0)) await disposeStore(sb);
    },
  };
}
