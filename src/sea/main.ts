// Main script of the single executable (dist/tsc-run), built to CommonJS as
// the SEA main. It extracts the embedded ESM bundle to the per-user cache
// once, turns on Node's compile cache there, and imports the CLI entry.
// Keep it to node builtins: it runs before anything else on every start.

import module from 'node:module';
import path from 'node:path';
import sea from 'node:sea';
import { pathToFileURL } from 'node:url';
import { publishCacheRoot, resolveCacheRoot } from './cache-root.js';
import { extractApp } from './extract-app.js';
import { APP_PREFIX, MANIFEST_KEY, type Manifest } from './manifest.js';
import { ensurePrivateDir } from './private-dir.js';

async function start(): Promise<void> {
  const uid = process.getuid!();
  const manifest = JSON.parse(sea.getAsset(MANIFEST_KEY, 'utf8')) as Manifest;
  const root = resolveCacheRoot(process.env, uid);
  publishCacheRoot(root);
  // getRawAsset maps the blob without copying; it is only read.
  const { dir } = extractApp(root, manifest, (f) => new Uint8Array(sea.getRawAsset(APP_PREFIX + f)), uid);
  const compileCache = path.join(root, 'compile-cache');
  ensurePrivateDir(compileCache, uid); // V8 code for the app: as private as the app
  module.enableCompileCache(compileCache);
  await import(pathToFileURL(path.join(dir, manifest.entry)).href);
}

start().catch((err: unknown) => {
  // The CLI reports its own errors; this is only for failures to get there.
  process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 125;
});
