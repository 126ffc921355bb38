// The /etc/hosts a pod shares: the infra's generated file, bound into every
// member as is (one inode), with a line per member name so members reach
// each other by name. Lines are added in place (never by rename), so
// running members see names of members started after them.

import fs from 'node:fs/promises';
import { parseHosts } from '../runtime/container/container-files.js';

/** The lines to append for names the hosts text lacks, at the addresses of `anchor` (the infra's name). Pure. */
export function missingHostsLines(text: string, anchor: string, names: readonly string[]): string {
  const entries = parseHosts(text);
  const listed = new Set(entries.flatMap((e) => e.names));
  const ips = entries.filter((e) => e.names.includes(anchor)).map((e) => e.ip);
  const at = ips.length ? ips : ['127.0.0.1'];
  const add = [...new Set(names)].filter((n) => n !== '' && !listed.has(n));
  return add.flatMap((n) => at.map((ip) => `${ip}\t${n}\n`)).join('');
}

/** Append the member names the pod's hosts file lacks (no-op when the file does not exist: --no-hosts). */
export async function addPodHostsNames(hostsFile: string, anchor: string, names: readonly string[]): Promise<void> {
  let text: string;
  try {
    text = await fs.readFile(hostsFile, 'utf8');
  } catch {
    return;
  }
  const lines = missingHostsLines(text, anchor, names);
  if (lines) await fs.appendFile(hostsFile, (text.endsWith('\n') || text === '' ? '' : '\n') + lines);
}
