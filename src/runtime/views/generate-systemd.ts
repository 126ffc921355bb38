// `generate systemd CONTAINER`: look the container up, render its unit
// (systemd-unit.ts), print it or write it to ./<unit>.service (--files).

import fs from 'node:fs';
import path from 'node:path';
import type { Roots } from '../../config/paths.js';
import { TscRunError, errorText } from '../../errors.js';
import { ContainerStore } from '../../storage/containers.js';
import { VERSION } from '../../version.js';
import { selfCommand } from '../container/container-start.js';
import { defaultConmonPidFile } from '../monitor/runtime-dir.js';
import type { ContainerRecord } from '../../storage/containers.js';
import { containerUnit, type UnitContainer, type UnitOptions } from './systemd-unit.js';

export type GenerateOptions = Omit<UnitOptions, 'executable' | 'version' | 'runRoot' | 'now'> & { files: boolean; format: string | undefined };

export async function generateSystemd(roots: Roots, nameOrId: string, o: GenerateOptions, valueFlags: ReadonlySet<string>, warn: (msg: string) => void): Promise<string> {
  if (o.format !== undefined && o.format !== 'json') throw new TscRunError(`unknown --format argument: ${o.format}`);
  const store = new ContainerStore(roots.dataRoot);
  let rec;
  try {
    rec = await store.lookup(nameOrId);
  } catch (err) {
    // Pods were looked up first (generate systemd POD, src/pod/pod-systemd.ts): podman's wording names both.
    throw new TscRunError(`${nameOrId} does not refer to a container or pod: no pod with name or ID ${nameOrId} found: no such pod: ${(err as Error).message}`);
  }
  const unit = containerUnit(unitContainerOf(roots, rec), { ...o, executable: selfCommand(), version: VERSION, runRoot: roots.runRoot, now: new Date() }, valueFlags, warn);
  return emitUnits([unit], o);
}

/** What a container's unit needs of its record. */
export function unitContainerOf(roots: Roots, rec: ContainerRecord): UnitContainer {
  return {
    id: rec.id,
    name: rec.name,
    createCommand: rec.config.createCommand,
    env: rec.config.env,
    stopTimeout: rec.config.stopTimeout ?? 10,
    restartPolicy: rec.config.restartPolicy?.name ?? 'no',
    conmonPidFile: rec.config.conmonPidFile ?? defaultConmonPidFile(roots.runRoot, rec.id),
  };
}

/** Print the units, or write each to ./<unit>.service (--files) and print the paths; --format json maps names to either. */
export function emitUnits(units: ReadonlyArray<{ service: string; text: string }>, o: Pick<GenerateOptions, 'files' | 'format' | 'template'>): string {
  const out = new Map<string, string>();
  for (const unit of units) {
    if (!o.files) {
      out.set(unit.service, unit.text);
      continue;
    }
    const file = path.join(process.cwd(), `${unit.service}${o.template ? '@' : ''}.service`);
    try {
      fs.writeFileSync(file, unit.text, { mode: 0o644 });
    } catch (err) {
      throw new TscRunError(`creating unit file ${file}: ${errorText(err)}`);
    }
    out.set(unit.service, o.format === 'json' ? file : `${file}\n`);
  }
  // Go marshals a map with its keys sorted.
  if (o.format === 'json') return `${JSON.stringify(Object.fromEntries([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), null, 1)}\n`;
  return [...out.values()].join('');
}
