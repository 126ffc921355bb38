// Vitest global setup for the integration project: copy the built CLI once
// into a fresh per-run directory that the test user can read, hand its path
// to the workers through the environment, and remove it afterwards.

import fs from 'node:fs';
import path from 'node:path';
import { installCliBinary, RUN_DIR_ENV } from './binary.js';
import { removeTree, sandboxBase } from './sandbox.js';
import { isRoot, testUser } from './user.js';

// Host paths no test may ever change (a container or unpack bug that escapes
// its root would show here first: /tmp was once found at 0755 mid-run).
const WATCHED = ['/', '/tmp', '/var/tmp', '/home', '/etc', '/etc/passwd', '/etc/subuid', '/dev/null', '/dev/fuse', '/dev/net/tun'];

function hostSnapshot(): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of WATCHED) {
    try {
      const st = fs.statSync(p);
      m.set(p, `mode ${(st.mode & 0o7777).toString(8)} owner ${st.uid}:${st.gid}`);
    } catch {
      m.set(p, 'absent');
    }
  }
  return m;
}

// Both integration projects (parallel and serial, vitest.config.ts) name this
// file; they share one run directory, made by the first and removed after the last.
interface RunShare {
  users: number;
  runDir: string;
  before: Map<string, string>;
}
const SHARE = Symbol.for('tsc-run.integration-run-dir');

export default function setup(): () => Promise<void> {
  const g = globalThis as { [SHARE]?: RunShare };
  let share = g[SHARE];
  if (!share) {
    const before = hostSnapshot();
    const runDir = fs.mkdtempSync(path.join(sandboxBase(), 'tsc-run-it-'));
    const cli = installCliBinary(runDir);
    process.env[RUN_DIR_ENV] = runDir;
    const u = testUser();
    process.stderr.write(
      `[harness] CLI ${cli.bin}${cli.single ? '' : ' (development launcher)'}; runs as ${u.name} (uid ${u.uid})` +
        `${isRoot() ? '; root mode available' : ''}\n`,
    );
    share = g[SHARE] = { users: 0, runDir, before };
  }
  share.users++;
  const mine = share;
  // Caches in there belong to the test user (or its subordinate ids): removeTree copes.
  return async () => {
    if (--mine.users > 0) return;
    delete g[SHARE];
    await removeTree(mine.runDir, testUser());
    const after = hostSnapshot();
    const changed = [...mine.before].filter(([p, v]) => after.get(p) !== v).map(([p, v]) => `${p}: ${v} -> ${after.get(p)}`);
    if (changed.length) throw new Error(`integration tests changed the host: ${changed.join('; ')}`);
  };
}
