// What scripts/bundle.mjs embeds in the SEA blob and under which asset keys.
// bundle.mjs is plain JS and spells the same keys: keep the two in step.

export const MANIFEST_KEY = 'manifest.json';
/** Each file of dist/app is the asset `app/<path relative to dist/app>`. */
export const APP_PREFIX = 'app/';
export const HELPER_KEY = 'helper';

export interface ManifestFile {
  path: string;
  sha256: string;
  size: number;
}

export interface Manifest {
  format: 1;
  /** sha256 over the sorted (path, sha256) list: names the extraction dir. */
  hash: string;
  /** The ESM entry, relative to the app dir. */
  entry: string;
  files: ManifestFile[];
  /** The embedded helper binary, when the build had one. */
  helper: { sha256: string; size: number } | null;
}
