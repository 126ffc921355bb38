// A container's mounts, planned at create from the parsed flags
// (mount-spec.ts) and its image's VOLUMEs: host paths resolved and checked,
// volume names checked or made up (anonymous), every option list completed
// as podman does. An image VOLUME becomes an anonymous volume unless a flag
// mounts something at the same place. Pure: I/O comes in through `ctx`.

import { TscRunError, UsageError } from '../errors.js';
import { NO_SOURCE_FLAGS, processOptions, type SourceFlags } from './mount-options.js';
import { cleanPath, type MountRequest } from './mount-spec.js';
import { checkVolumeName } from './names.js';
import type { ContainerMount } from '../storage/volume-types.js';

/** The options podman gives an image's VOLUME (HostConfig.Binds order). */
export const IMAGE_VOLUME_OPTIONS: readonly string[] = ['rprivate', 'rw', 'nodev', 'exec', 'nosuid', 'rbind'];

export interface PlanContext {
  /** An absolute host path for a bind source and its filesystem's flags; throws podman's statfs error. */
  bindSource(source: string): { path: string; flags: SourceFlags };
  /** Where a volume's data is (volumes/<name>/_data). */
  volumeSource(name: string): string;
  /** A fresh anonymous volume name. */
  newName(): string;
  /** The image config's Volumes (destinations). */
  imageVolumes: readonly string[];
}

function refuseUnsupported(options: readonly string[]): void {
  if (options.some((o) => o.startsWith('idmap'))) throw new UsageError('idmapped mounts (idmap) are not supported');
}

export function planMounts(requests: readonly MountRequest[], ctx: PlanContext): ContainerMount[] {
  const out: ContainerMount[] = [];
  for (const r of requests) {
    refuseUnsupported(r.options);
    if (r.kind === 'bind') {
      const src = ctx.bindSource(r.source);
      out.push({ type: 'bind', source: src.path, destination: r.destination, options: processOptions(r.options, false, src.flags) });
    } else if (r.kind === 'tmpfs') {
      out.push({ type: 'tmpfs', destination: r.destination, options: processOptions(r.options, true, NO_SOURCE_FLAGS) });
    } else {
      const options = processOptions(r.options, false, NO_SOURCE_FLAGS);
      if (r.name === '') {
        const name = ctx.newName();
        out.push({ type: 'volume', name, anonymous: true, source: ctx.volumeSource(name), destination: r.destination, options });
        continue;
      }
      try {
        checkVolumeName(r.name);
      } catch (err) {
        throw new TscRunError(`creating named volume ${JSON.stringify(r.name)}: ${(err as Error).message}`);
      }
      out.push({ type: 'volume', name: r.name, source: ctx.volumeSource(r.name), destination: r.destination, options });
    }
  }
  const taken = new Set(out.map((m) => cleanPath(m.destination)));
  for (const v of ctx.imageVolumes) {
    const destination = cleanPath(v.startsWith('/') ? v : `/${v}`);
    if (taken.has(destination)) continue;
    taken.add(destination);
    const name = ctx.newName();
    out.push({ type: 'volume', name, anonymous: true, source: ctx.volumeSource(name), destination, options: [...IMAGE_VOLUME_OPTIONS] });
  }
  return out;
}

/** `volume-opt=KEY=VALUE` options of a volume mount: the options a missing volume is created with. */
export function volumeOptsOf(options: readonly string[]): string[] {
  return options.filter((o) => o.startsWith('volume-opt=')).map((o) => o.slice('volume-opt='.length));
}
