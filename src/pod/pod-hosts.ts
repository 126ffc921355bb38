// The /etc/hosts a pod shares: the infra's generated file, bound into every
// member as is (one inode), with a line per member name so members reach
// each other by name. Lines are added in place (never by rename), so
// running members see names of members started after them.

import fs from 'node:fs/promises';
import { parseHosts } from '../runtime/container/container-files.js';

/** The lines to append for names the hosts text lacks, at 127.0.0.1 (members share the infra's network namespace; podman 4.3 lists them so). Pure. */
export function missingHostsLines(text: string, names: readonly string[]): string {
  const listed = new Set(parseHosts(text).flatMap((e) => e.names));
  const add = [...new Set(names)].filter((n) => n !== '' && !listed.has(n));
  return add.map((n) => `127.0.0.1\t${n}\n`).join('');
}

/** Append the member names the pod's hosts file lacks (no-op when the file does not exist: --no-hosts). */
export async function addPodHostsNames(hostsFile: string, names: readonly string[]): Promise<void> {
  let text: string;
  try {
    text = await fs.readFile(hostsFile, 'utf8');
  } catch {
    return;
  }
  const lines = missingHostsLines(text, names);
  if (lines) await fs.appendFile(hostsFile, (text.endsWith('\n') || text === '' ? '' : '\n') + lines);
}
