// The host ends of our veths (`tsv…`) present in a network namespace:
// /proc/self/net/dev is per namespace, /proc/PID/net/dev is PID's.

import fs from 'node:fs';

export function liveVeths(file = '/proc/self/net/dev'): Set<string> {
  const out = new Set<string>();
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    const m = /^\s*(tsv[^:\s]+):/.exec(line);
    if (m) out.add(m[1]!);
  }
  return out;
}
