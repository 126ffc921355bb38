// The /etc/hosts a pod shares: the infra's generated file, bound into every
// member as is (one inode). As podman 4.3 (etchosts.Add at a member's start,
// etchosts.Remove at its cleanup), a member is listed at 127.0.0.1 while it
// runs: its line is added when it starts and removed when it exits. A start
// also drops the lines of members that no longer run (an exit whose cleanup
// never ran: kill -9). Lines change in place (never by rename), so running
// members see them.

import fs from 'node:fs/promises';
import { parseHosts } from '../runtime/container/container-files.js';

/** The lines to append for names the hosts text lacks, at 127.0.0.1 (members share the infra's network namespace; podman 4.3 lists them so). Pure. */
export function missingHostsLines(text: string, names: readonly string[]): string {
  const listed = new Set(parseHosts(text).flatMap((e) => e.names));
  const add = [...new Set(names)].filter((n) => n !== '' && !listed.has(n));
  return add.length ? `127.0.0.1\t${add.join(' ')}\n` : '';
}

/** A member's line: 127.0.0.1 and one of the gone members' names. */
function isGoneLine(raw: string, gone: ReadonlySet<string>): boolean {
  const [e] = parseHosts(raw);
  return e !== undefined && e.ip === '127.0.0.1' && e.names.some((n) => gone.has(n));
}

/** The shared text without the lines of `gone` members, with the starting member's names (hostname, name) added where missing. Pure. */
export function podHostsText(text: string, gone: readonly string[], starting: readonly string[] = []): string {
  const goneSet = new Set(gone);
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const kept = lines.filter((l) => !isGoneLine(l, goneSet));
  const base = kept.length ? `${kept.join('\n')}\n` : '';
  return base + missingHostsLines(base, starting);
}

/** Rewrite the pod's hosts file in place (no-op when it does not exist: --no-hosts). */
export async function editPodHosts(hostsFile: string, gone: readonly string[], starting: readonly string[] = []): Promise<void> {
  let text: string;
  try {
    text = await fs.readFile(hostsFile, 'utf8');
  } catch {
    return;
  }
  const out = podHostsText(text, gone, starting);
  if (out !== text) await fs.writeFile(hostsFile, out);
}
