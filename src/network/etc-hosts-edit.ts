// In-place edits of a running container's generated /etc/hosts, as podman
// 4.3's etchosts.Add / Remove do: `network connect` adds the container's
// new address (with its hostname and name), `network disconnect` removes
// the lines of the address it lost, and a pod's shared file gains a
// member's `127.0.0.1 NAME` line at its start and loses it when it exits.
// The file is bind-mounted into running containers: it is rewritten in
// place (same inode), never renamed. Podman lists no other containers: a
// bridge network's peers are found through its DNS responder only.

import fs from 'node:fs/promises';
import { isIP } from 'node:net';

export interface HostsLine {
  ip: string;
  names: readonly string[];
}

/** Whether a line of hosts text is exactly this entry (podman's Remove matches the address and the names). */
function matches(raw: string, e: HostsLine): boolean {
  const line = raw.replace(/#.*/, '').trim();
  if (!line) return false;
  const [ip, ...names] = line.split(/\s+/);
  return ip === e.ip && names.length === e.names.length && names.every((n, i) => n === e.names[i]);
}

/** `text` without the lines of `remove`, with `add` appended where missing. Pure. */
export function editHostsText(text: string, add: readonly HostsLine[], remove: readonly HostsLine[]): string {
  const kept = text.split('\n');
  if (kept.at(-1) === '') kept.pop();
  const lines = kept.filter((l) => !remove.some((e) => matches(l, e)));
  for (const e of add) {
    if (isIP(e.ip) === 0 || !e.names.length) continue;
    if (!lines.some((l) => matches(l, e))) lines.push(`${e.ip}\t${e.names.join(' ')}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** Edit the file in place; a missing file (--no-hosts, a removed container) is left missing. */
export async function editHostsFile(file: string, add: readonly HostsLine[], remove: readonly HostsLine[]): Promise<void> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return;
  }
  const out = editHostsText(text, add, remove);
  if (out !== text) await fs.writeFile(file, out);
}
