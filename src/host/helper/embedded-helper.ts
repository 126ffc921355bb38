// The helper binary embedded in the single executable. Extracted lazily, on
// the first helperPath() call, to <cache>/helper-<sha256> mode 0500 inside
// the private per-user cache (never anywhere a container can write), and its
// hash is checked before use.

import fs from 'node:fs';
import type * as SeaModule from 'node:sea';
import { HelperError } from '../../errors.js';
import { cacheRoot } from '../../sea/cache-root.js';
import { HELPER_KEY, MANIFEST_KEY, type Manifest } from '../../sea/manifest.js';
import { installVerified } from '../../sea/verified-file.js';

/** node:sea when running as the single executable; getBuiltinModule works from ESM loaded off disk. */
export function seaRuntime(): typeof SeaModule | undefined {
  const sea = process.getBuiltinModule('node:sea') as typeof SeaModule | undefined;
  return sea?.isSea() ? sea : undefined;
}

// The last verified copy's identity: while its inode and ctime are the same
// (ctime changes on any write, chmod or rename and cannot be set back), its
// bytes are the ones hashed, so repeated calls skip re-reading it.
let verified: { path: string; ino: bigint; ctimeNs: bigint } | undefined;

function unchanged(v: NonNullable<typeof verified>): boolean {
  try {
    const st = fs.lstatSync(v.path, { bigint: true });
    return st.ino === v.ino && st.ctimeNs === v.ctimeNs;
  } catch {
    return false;
  }
}

/** Path of the verified embedded helper, or undefined outside the single executable. */
export function embeddedHelperPath(): string | undefined {
  const sea = seaRuntime();
  if (!sea) return undefined;
  if (verified && unchanged(verified)) return verified.path;
  const manifest = JSON.parse(sea.getAsset(MANIFEST_KEY, 'utf8')) as Manifest;
  if (!manifest.helper) throw new HelperError('this tsc-run executable was built without tsc-run-helper');
  const { sha256 } = manifest.helper;
  try {
    const { path } = installVerified(
      cacheRoot(),
      `helper-${sha256}`,
      sha256,
      () => new Uint8Array(sea.getRawAsset(HELPER_KEY)),
      0o500,
      process.getuid!(),
    );
    const st = fs.lstatSync(path, { bigint: true });
    verified = { path, ino: st.ino, ctimeNs: st.ctimeNs };
    return path;
  } catch (err) {
    throw new HelperError(`cannot install the embedded tsc-run-helper: ${(err as Error).message}`, undefined, { cause: err });
  }
}
