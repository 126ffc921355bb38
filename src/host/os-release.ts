// The host distribution, from os-release(5), as podman reports it in
// `host.distribution`.

import fs from 'node:fs';

export interface DistributionInfo {
  distribution: string;
  variant?: string;
  version: string;
  codename?: string;
}

/** Parse os-release(5): KEY=value lines, values optionally quoted with shell escapes. */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    out[m[1]!] = unquote(m[2]!);
  }
  return out;
}

function unquote(v: string): string {
  const q = v[0];
  if ((q === '"' || q === "'") && v.endsWith(q) && v.length >= 2) {
    const body = v.slice(1, -1);
    // Single quotes are literal; double quotes allow \" \\ \$ \` escapes.
    return q === "'" ? body : body.replace(/\\([\\"$`])/g, '$1');
  }
  return v;
}

/** podman's fields: ID, VERSION_ID, VARIANT_ID and VERSION_CODENAME. */
export function distributionOf(rel: Record<string, string>): DistributionInfo {
  const d: DistributionInfo = { distribution: rel.ID ?? 'unknown', version: rel.VERSION_ID ?? 'unknown' };
  if (rel.VARIANT_ID) d.variant = rel.VARIANT_ID;
  if (rel.VERSION_CODENAME) d.codename = rel.VERSION_CODENAME;
  return d;
}

/** Read /etc/os-release, falling back to /usr/lib/os-release like systemd. */
export function readDistribution(): DistributionInfo {
  for (const p of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      return distributionOf(parseOsRelease(fs.readFileSync(p, 'utf8')));
    } catch {
      /* try the next one */
    }
  }
  return distributionOf({});
}
