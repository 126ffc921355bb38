// A private scratch area per test: the CLI's --root/--runroot, a HOME, an
// XDG_RUNTIME_DIR and a `dir` for fixtures, all owned by the identity the CLI
// runs as. Containers leave files owned by subordinate ids behind, which the
// user cannot delete directly, so cleanup enters a user namespace to do it.

import fs from 'node:fs';
import path from 'node:path';
import { runAs, userFor, isRoot, type As, type TestUser } from './user.js';

export interface Sandbox {
  name: string;
  /** Who owns it; tscRun with this sandbox runs as this identity unless told otherwise. */
  as: As;
  owner: TestUser;
  /** The sandbox's top directory (mode 0700). */
  path: string;
  /** --root */
  root: string;
  /** --runroot */
  runroot: string;
  /** Scratch space for fixtures (tarballs, Containerfiles, ...). */
  dir: string;
  /** HOME of the CLI: config, auth files, ~/.docker. */
  home: string;
  /** XDG_RUNTIME_DIR of the CLI (mode 0700). */
  xdgRuntime: string;
  /** Write a file under `dir` owned by the sandbox's owner; returns its path. */
  file(rel: string, content: string | Buffer, mode?: number): string;
  /** Give `p` (recursively) to the sandbox's owner; a no-op when it is us. */
  chown(p: string): void;
  /** Remove everything, including files owned by subordinate ids. Idempotent. */
  cleanup(): Promise<void>;
}

/** Base directory for sandboxes; /tmp unless TSC_RUN_TEST_TMPDIR says otherwise. */
export function sandboxBase(): string {
  return process.env.TSC_RUN_TEST_TMPDIR || '/tmp';
}

function chownTree(p: string, u: TestUser): void {
  fs.lchownSync(p, u.uid, u.gid);
  if (fs.lstatSync(p).isDirectory()) {
    for (const e of fs.readdirSync(p)) chownTree(path.join(p, e), u);
  }
}

export async function makeSandbox(name: string, opts: { as?: As } = {}): Promise<Sandbox> {
  const as = opts.as ?? 'user';
  const owner = userFor(as);
  const safe = name.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 40);
  const top = fs.mkdtempSync(path.join(sandboxBase(), `tsc-run-sb-${safe}-`));
  fs.chmodSync(top, 0o700);
  const sub = (n: string, mode = 0o755) => {
    const p = path.join(top, n);
    fs.mkdirSync(p, { mode });
    fs.chmodSync(p, mode);
    return p;
  };
  const sb: Sandbox = {
    name,
    as,
    owner,
    path: top,
    root: sub('root', 0o700),
    runroot: sub('runroot', 0o700),
    dir: sub('dir'),
    home: sub('home', 0o700),
    xdgRuntime: sub('xdg-runtime', 0o700),
    file(rel, content, mode = 0o644) {
      const p = path.join(sb.dir, rel);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, content, { mode });
      fs.chmodSync(p, mode);
      sb.chown(p);
      return p;
    },
    chown(p) {
      if (isRoot() && owner.uid !== 0) chownTree(p, owner);
    },
    cleanup: () => removeTree(top, owner),
  };
  sb.chown(top);
  return sb;
}

/**
 * rm -rf that also works for an unprivileged owner whose tree holds files of
 * its subordinate ids: inside `unshare --map-root-user --map-auto` those ids
 * are mapped, so the owner (namespace root) may remove them.
 */
export async function removeTree(p: string, owner: TestUser): Promise<void> {
  if (!fs.existsSync(p)) return;
  try {
    fs.rmSync(p, { recursive: true, force: true });
    return;
  } catch (e) {
    if (isRoot()) throw e;
  }
  const r = await runAs(owner, 'unshare', ['--map-root-user', '--map-auto', '--', 'rm', '-rf', '--', p], { timeoutMs: 120_000 });
  if (r.exitCode !== 0 || fs.existsSync(p)) {
    throw new Error(`cannot remove ${p} (unshare --map-auto rm -rf exited ${r.exitCode}): ${r.stderr.trim()}`);
  }
}
