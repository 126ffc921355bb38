// `inspect` / `container inspect` of containers: gather what the view needs
// from disk (reconciled state without writing, the image's digest, which
// generated /etc files exist, the stored security settings), then build
// podman's InspectContainerData (inspect-view.ts).

import fs from 'node:fs';
import path from 'node:path';
import { isJsonFormat } from '../../format/is-json.js';
import { formatInspect } from '../../format/output.js';
import type { Roots } from '../../config/paths.js';
import { TscRunError } from '../../errors.js';
import { NoSuchContainerError, type ContainerRecord, type ContainerStore } from '../../storage/containers.js';
import { ImageStore } from '../../storage/images.js';
import { shortLinkPath } from '../../storage/layers/short-links.js';
import { shownRecord } from '../container/stopping-mark.js';
import { containerSize } from '../container/container-size.js';
import { execSessionIds } from '../exec/exec-sessions.js';
import { capDiff, inspectContainer, type InspectFacts } from './inspect-view.js';
import { logPathOf } from '../monitor/log-reader.js';
import { defaultConmonPidFile } from '../monitor/runtime-dir.js';
import { lastCreated } from './ps-view.js';
import { loadContainerSecurity } from '../security/security-args.js';

function existing(file: string): string {
  return fs.existsSync(file) ? file : '';
}

async function factsOf(roots: Roots, store: ContainerStore, rec: ContainerRecord, digests: Map<string, string>, sizes?: Map<string, number>): Promise<InspectFacts> {
  const userdata = path.join(store.containerDir(rec.id), 'userdata');
  const sec = await loadContainerSecurity(userdata).catch(() => undefined);
  const driver = rec.storage?.driver ?? 'overlay';
  const graphData: Record<string, string> | null =
    driver === 'overlay'
      ? {
          LowerDir: [...rec.layers].reverse().map((l) => shortLinkPath(roots.dataRoot, l)).join(':'),
          UpperDir: store.upperDir(rec.id),
          WorkDir: store.workDir(rec.id),
        }
      : null;
  const caps = capDiff(sec?.capabilities.bounding);
  // --network container:X binds the hosts and resolv.conf of X (or of the container X shares): their paths, as podman.
  const etcDir = rec.config.network.startsWith('container:') ? await (await import('../../network/shared-etc-files.js')).etcFilesDir(store, rec) : userdata;
  return {
    imageDigest: digests.get(rec.image) ?? '',
    logPath: logPathOf(roots.dataRoot, rec) ?? '',
    resolvConfPath: existing(path.join(etcDir, 'resolv.conf')),
    hostnamePath: existing(path.join(userdata, 'hostname')),
    hostsPath: existing(path.join(rec.config.noHosts ? userdata : etcDir, 'hosts')),
    staticDir: userdata,
    conmonPidFile: rec.config.conmonPidFile ?? defaultConmonPidFile(roots.runRoot, rec.id),
    networks: await (await import('../../network/bridge/inspect-networks.js')).inspectNetworks(roots.runRoot, rec, rec.state.status === 'running' || rec.state.status === 'paused'),
    graphDriver: { Name: driver, Data: graphData },
    security: sec && {
      privileged: sec.privileged,
      bounding: sec.capabilities.bounding,
      effective: sec.capabilities.effective,
      noNewPrivileges: sec.noNewPrivileges,
      seccompProfile: sec.seccompProfile,
      readOnlyRoot: sec.readOnlyRoot,
      maskedPaths: sec.maskedPaths,
      readonlyPaths: sec.readonlyPaths,
    },
    capAdd: caps.capAdd,
    capDrop: caps.capDrop,
    size: sizes ? await containerSize(roots.dataRoot, store.upperDir(rec.id), rec, sizes) : undefined,
    execIds: rec.state.status === 'running' || rec.state.status === 'paused' ? execSessionIds(roots.runRoot, rec.id, rec.state.startedAt) : [],
    idMappings: await idMappingsOf(rec),
  };
}

/** --userns keep-id, --uidmap/--gidmap: the maps as podman shows them (userns-options.ts). */
async function idMappingsOf(rec: ContainerRecord): Promise<InspectFacts['idMappings']> {
  const c = rec.config;
  if (c.userns !== 'keep-id' && !c.uidmap?.length && !c.gidmap?.length) return undefined;
  const { inspectIdMappings } = await import('../userns/userns-options.js');
  const { hostUserNamespace } = await import('../../host/preflight.js');
  let host;
  try {
    host = hostUserNamespace();
  } catch {
    return undefined;
  }
  return inspectIdMappings({ mode: c.userns ?? '', uidmap: c.uidmap ?? [], gidmap: c.gidmap ?? [] }, host.kind === 'rootless' && process.getuid!() !== 0 ? host.maps : undefined, { uid: process.getuid!(), gid: process.getgid!() });
}

/** InspectContainerData of each record, in order. */
export async function inspectContainerObjects(
  roots: Roots,
  store: ContainerStore,
  recs: readonly ContainerRecord[],
  withSize = false,
): Promise<Array<Record<string, unknown>>> {
  const sizes = withSize ? new Map<string, number>() : undefined;
  const digests = new Map<string, string>();
  if (recs.length) {
    for (const img of await new ImageStore(roots.dataRoot).listAll().catch(() => [])) digests.set(img.id, img.digest);
  }
  const out: Array<Record<string, unknown>> = [];
  for (const r of recs) {
    const live = shownRecord(roots.runRoot, r);
    out.push(inspectContainer(live, await factsOf(roots, store, live, digests, sizes)));
  }
  return out;
}

export type InspectType = 'all' | 'container' | 'image' | 'pod' | 'network' | 'volume';

export interface InspectRequest {
  names: readonly string[];
  type: InspectType;
  format?: string | undefined;
  size: boolean;
  latest: boolean;
}

export interface InspectOutput {
  text: string;
  /** Reported after the text, as podman prints what it found first. */
  error?: TscRunError | undefined;
}

function render(objects: readonly object[], format: string | undefined): string {
  return formatInspect(objects, format === undefined || isJsonFormat(format) ? undefined : format);
}

/**
 * `inspect` and `container inspect`: containers first, then (type all)
 * images by the images code's own rules; what was found is printed even
 * when a name matched nothing, then the first such error.
 */
export async function inspectText(roots: Roots, store: ContainerStore, req: InspectRequest): Promise<InspectOutput> {
  if (req.type === 'image') {
    const { inspectImages } = await import('../../image/inspect.js');
    return inspectImages(roots.dataRoot, req.names, req.format);
  }
  if (req.type === 'volume') {
    const { volumeInspectObjects } = await import('../../volume/volume-commands.js');
    const { found, missing } = await volumeInspectObjects(roots.dataRoot, req.names);
    return { text: found.length || !missing.length ? render(found, req.format) : '', error: missing.length ? new TscRunError(`inspecting object: no such volume ${missing[0]}`) : undefined };
  }
  const names = req.latest ? [] : req.names;
  const recs: Array<ContainerRecord | { image: string } | { volume: object }> = [];
  let error: TscRunError | undefined;
  if (req.latest) {
    const newest = lastCreated(await store.list(), 1)[0];
    if (newest) recs.push(newest);
    else error = new TscRunError('no containers to inspect: no such container');
  }
  for (const name of names) {
    if (req.type !== 'all' && req.type !== 'container') {
      // No pods, networks or volumes exist here (yet).
      error ??= new TscRunError(`inspecting object: no such ${req.type} ${name}`);
      continue;
    }
    try {
      recs.push(await store.lookup(name));
      continue;
    } catch (err) {
      if (!(err instanceof NoSuchContainerError)) throw err;
    }
    const volume = req.type === 'all' ? await volumeObject(roots, name) : undefined;
    if (req.type === 'all' && (await imageExists(roots, name))) recs.push({ image: name });
    else if (volume) recs.push({ volume });
    else error ??= new TscRunError(`inspecting object: ${req.type === 'all' ? `no such object: ${JSON.stringify(name)}` : `no such ${req.type} ${name}`}`);
  }
  const containers = await inspectContainerObjects(roots, store, recs.filter((r): r is ContainerRecord => 'id' in r), req.size);
  const objects: object[] = [];
  let ci = 0;
  for (const r of recs) {
    if ('id' in r) objects.push(containers[ci++]!);
    else if ('volume' in r) objects.push(r.volume);
    else objects.push(...(await imageObjects(roots, r.image)));
  }
  return { text: render(objects, req.format), error };
}

/** A volume's inspect view, when `inspect` (type all) finds no container or image of that name. */
async function volumeObject(roots: Roots, name: string): Promise<object | undefined> {
  const { volumeInspectObjects } = await import('../../volume/volume-commands.js');
  return (await volumeInspectObjects(roots.dataRoot, [name])).found[0];
}

async function imageExists(roots: Roots, name: string): Promise<boolean> {
  const { inspectImages } = await import('../../image/inspect.js');
  return !(await inspectImages(roots.dataRoot, [name], 'json')).error;
}

async function imageObjects(roots: Roots, name: string): Promise<object[]> {
  const { inspectImages } = await import('../../image/inspect.js');
  return JSON.parse((await inspectImages(roots.dataRoot, [name], 'json')).text) as object[];
}
