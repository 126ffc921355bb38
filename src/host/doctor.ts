// `tsc-run system doctor`: gather host facts once, decide every check,
// render them (text or JSON).

import fs from 'node:fs';
import type { Roots } from '../config/paths.js';
import { parseSubIdFile, SUBGID_FILE, SUBUID_FILE, type SubIdEntry } from './idmap.js';
import { gatherHostFacts as gatherPreflightFacts } from './preflight.js';
import { dirFacts, gatherHostFacts } from './host-facts.js';
import { doctorPassed, hostChecks, renderDoctor, usernsChecks, type DoctorCheck } from './doctor-checks.js';
import { formatList } from '../format/output.js';

export interface DoctorOptions {
  roots: Roots;
  flagDriver?: string | undefined;
  storageOpts?: readonly string[] | undefined;
}

function readSubIds(file: string): SubIdEntry[] {
  try {
    return parseSubIdFile(fs.readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
}

export async function doctorChecks(o: DoctorOptions): Promise<DoctorCheck[]> {
  const f = await gatherHostFacts({ roots: o.roots, flagDriver: o.flagDriver, storageOpts: o.storageOpts });
  const xdg = process.env.XDG_RUNTIME_DIR;
  const storage = 'error' in f.storage.choice ? { error: f.storage.choice.error.message } : { choice: f.storage.choice.choice };
  return [
    ...usernsChecks(gatherPreflightFacts(), [...readSubIds(SUBUID_FILE), ...readSubIds(SUBGID_FILE)]),
    ...hostChecks({
      user: f.user,
      uid: f.uid,
      storage,
      network: f.network,
      cgroup: f.cgroup,
      ...(xdg ? { xdgRuntimeDir: dirFacts(xdg) } : {}),
      logind: fs.existsSync('/run/systemd/seats') || fs.existsSync('/run/systemd/users'),
      runRoot: dirFacts(o.roots.runRoot),
      dataRoot: dirFacts(o.roots.dataRoot),
    }),
  ];
}

/** The report and whether every required check passed. */
export async function runDoctor(o: DoctorOptions, format: string | undefined): Promise<{ text: string; passed: boolean }> {
  const checks = await doctorChecks(o);
  const passed = doctorPassed(checks);
  if (!format) return { text: renderDoctor(checks), passed };
  if (format.trim() === 'json') return { text: JSON.stringify(checks, null, 4) + '\n', passed };
  return { text: formatList(checks, { format, columns: [{ field: 'Status' }, { field: 'Name' }, { field: 'Detail' }, { field: 'Fix' }] }), passed };
}
