// `<program> --version` output, cached per executable (path, mtime, size)
// so repeated `info` runs do not spawn it again.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { HostCache } from './host-cache.js';

export function programVersion(executable: string, cache: HostCache): string {
  let st: fs.Stats;
  try {
    st = fs.statSync(executable);
  } catch {
    return '';
  }
  const hit = cache.get().programs?.[executable];
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.version;
  let version = '';
  try {
    version = execFileSync(executable, ['--version'], {
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch (err) {
    // Some programs print their version and exit non-zero; keep what they said.
    const out = (err as { stdout?: unknown }).stdout;
    version = typeof out === 'string' ? out.trim() : '';
  }
  cache.update((d) => {
    (d.programs ??= {})[executable] = { mtimeMs: st.mtimeMs, size: st.size, version };
  });
  return version;
}
