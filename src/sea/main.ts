// Main script of the single executable (dist/tsc-run), built to CommonJS as
// the SEA main. It extracts the embedded ESM bundle to the per-user cache
// once, turns on Node's compile cache there, and imports the CLI entry.
// Keep it to node builtins: it runs before anything else on every start.
// Named imports only, here and in what it imports: as CommonJS, a default
// import of a builtin becomes esbuild's __toESM copy of every property of
// the module (~5 ms of each start for fs, path, os, sea and module).

import { enableCompileCache } from 'node:module';
import { join } from 'node:path';
import { getAsset, getRawAsset } from 'node:sea';
import { pathToFileURL } from 'node:url';
import { publishCacheRoot, resolveCacheRoot } from './cache-root.js';
import { extractApp } from './extract-app.js';
import { APP_PREFIX, MANIFEST_KEY, type Manifest } from './manifest.js';
import { ensurePrivateDir } from './private-dir.js';

async function start(): Promise<void> {
  const uid = process.getuid!();
  const manifest = JSON.parse(getAsset(MANIFEST_KEY, 'utf8')) as Manifest;
  const root = resolveCacheRoot(process.env, uid);
  publishCacheRoot(root);
  // getRawAsset maps the blob without copying; it is only read.
  const { dir } = extractApp(root, manifest, (f) => new Uint8Array(getRawAsset(APP_PREFIX + f)), uid);
  const compileCache = join(root, 'compile-cache');
  ensurePrivateDir(compileCache, uid); // V8 code for the app: as private as the app
  enableCompileCache(compileCache);
  await import(pathToFileURL(join(dir, manifest.entry)).href);
}

start().catch((err: unknown) => {
  // The CLI reports its own errors; this is only for failures to get there.
  process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 125;
});
