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
import { containerUnit, type UnitOptions } from './systemd-unit.js';

export type GenerateOptions = Omit<UnitOptions, 'executable' | 'version' | 'runRoot' | 'now'> & { files: boolean; format: string | undefined };

export async function generateSystemd(roots: Roots, nameOrId: string, o: GenerateOptions, valueFlags: ReadonlySet<string>, warn: (msg: string) => void): Promise<string> {
  if (o.format !== undefined && o.format !== 'json') throw new TscRunError(`unknown --format argument: ${o.format}`);
  const store = new ContainerStore(roots.dataRoot);
  let rec;
  try {
    rec = await store.lookup(nameOrId);
  } catch (err) {
    throw new TscRunError(`${nameOrId} does not refer to a container: ${(err as Error).message}`);
  }
  if (rec.pod) throw new TscRunError(`${rec.name} is a member of pod ${rec.pod.slice(0, 12)}: tsc-run does not generate units for pods and their members; run the pod from a unit of your own (kube play) instead`);
  const unit = containerUnit(
    {
      id: rec.id,
      name: rec.name,
      createCommand: rec.config.createCommand,
      env: rec.config.env,
      stopTimeout: rec.config.stopTimeout ?? 10,
      restartPolicy: rec.config.restartPolicy?.name ?? 'no',
      conmonPidFile: rec.config.conmonPidFile ?? defaultConmonPidFile(roots.runRoot, rec.id),
    },
    { ...o, executable: selfCommand(), version: VERSION, runRoot: roots.runRoot, now: new Date() },
    valueFlags,
    warn,
  );
  if (o.files) {
    const file = path.join(process.cwd(), `${unit.service}${o.template ? '@' : ''}.service`);
    try {
      fs.writeFileSync(file, unit.text, { mode: 0o644 });
    } catch (err) {
      throw new TscRunError(`creating unit file ${file}: ${errorText(err)}`);
    }
    return o.format === 'json' ? `${JSON.stringify({ [unit.service]: file }, null, 1)}\n` : `${file}\n`;
  }
  return o.format === 'json' ? `${JSON.stringify({ [unit.service]: unit.text }, null, 1)}\n` : unit.text;
}
