// Where the CLI under test comes from. Tests run the single executable
// (dist/tsc-run), copied into a fresh directory under /tmp: a fresh clone often
// lives in /root, which the test user cannot traverse, and a root-owned copy
// also cannot be modified by the user it runs as.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Set by global-setup.ts so every test worker shares one copy per run. */
export const RUN_DIR_ENV = 'TSC_RUN_IT_DIR';

let cachedRepo: string | undefined;

/** The checkout: the nearest ancestor with tsc-run's package.json. */
export function repoRoot(): string {
  if (cachedRepo) return cachedRepo;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'tsc-run') {
      return (cachedRepo = dir);
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the tsc-run checkout above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

export interface CliBinary {
  /** The executable to run. */
  bin: string;
  /** Per-run directory (binary copy, shared caches); readable by the test user. */
  runDir: string;
  /** false when falling back to dist/tsc-run-dev inside the checkout. */
  single: boolean;
}

let cached: CliBinary | undefined;
let warned = false;

function sourceBinary(): { path: string; single: boolean } {
  const sea = path.join(repoRoot(), 'dist', 'tsc-run');
  if (fs.existsSync(sea)) return { path: sea, single: true };
  const dev = path.join(repoRoot(), 'dist', 'tsc-run-dev');
  if (fs.existsSync(dev)) return { path: dev, single: false };
  throw new Error('no built CLI: run `npm run build && npm run bundle` (expected dist/tsc-run)');
}

/** Copy the CLI into `runDir` (created 0755) unless it is already there. */
export function installCliBinary(runDir: string): CliBinary {
  const src = sourceBinary();
  fs.mkdirSync(runDir, { recursive: true, mode: 0o755 });
  fs.chmodSync(runDir, 0o755);
  if (!src.single) {
    if (!warned) {
      warned = true;
      process.stderr.write(
        '[harness] WARNING: dist/tsc-run (single executable) not found; using dist/tsc-run-dev, ' +
          'which only works where the test user can read the checkout\n',
      );
    }
    return { bin: src.path, runDir, single: false };
  }
  const bin = path.join(runDir, 'tsc-run');
  if (!fs.existsSync(bin) || fs.statSync(bin).size !== fs.statSync(src.path).size) {
    // Copy then rename, so a concurrent worker never runs a half-written file.
    const tmp = `${bin}.${process.pid}.tmp`;
    fs.copyFileSync(src.path, tmp);
    fs.chmodSync(tmp, 0o755);
    fs.renameSync(tmp, bin);
  }
  return { bin, runDir, single: true };
}

/** The CLI for this test run (prepared by global-setup, or on first use). */
export function cliBinary(): CliBinary {
  if (cached) return cached;
  let runDir = process.env[RUN_DIR_ENV];
  if (!runDir) {
    // Outside vitest's global setup: one directory per binary content, reused.
    const src = sourceBinary();
    const h = createHash('sha256').update(fs.readFileSync(src.path)).digest('hex').slice(0, 16);
    runDir = path.join(os.tmpdir(), `tsc-run-it-${h}`);
  }
  return (cached = installCliBinary(runDir));
}

/**
 * A directory inside the run dir owned by `uid`, e.g. a cache shared by all
 * sandboxes of one user (the single executable extracts itself there once).
 */
export function sharedUserDir(kind: string, uid: number, gid: number): string {
  const dir = path.join(cliBinary().runDir, `${kind}-${uid}`);
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (process.getuid!() === 0) fs.chownSync(dir, uid, gid);
  }
  return dir;
}
