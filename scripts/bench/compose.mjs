#!/usr/bin/env zx
// `npm run bench:compose`: `compose up -d` and `compose down` of a
// three-service project (default network, a named volume, a depends_on)
// with cached images, as the same unprivileged user:
//   tsc-run compose                  built in
//   podman-compose on podman         Debian's podman-compose 1.0.3 driving podman 4.3
//   podman-compose on tsc-run        the same client with --podman-path = tsc-run
// Median/p90 of --runs (default 5) after --warmup (default 1). Needs `npm
// run bundle` first. A client that cannot run here is skipped with its reason.
import 'zx/globals';
import { spawnSync } from 'node:child_process';
import { benchSandbox, benchUser, printTable, requireBundle, stats } from './lib.mjs';

$.verbose = false;
const runs = Number(argv.runs ?? 5);
const warmup = Number(argv.warmup ?? 1);
const who = benchUser(argv.user ?? 'tsctest');
requireBundle();
const sb = await benchSandbox('compose', { who, shortPodmanXdg: true });
const { dir, tsc, podmanArgv, podmanAvailable, sh, importBusybox, cleanup } = sb;
const results = [];
const notes = [];
const PODMAN_COMPOSE = '/usr/bin/podman-compose';

const project = (image) =>
  [
    'services:',
    '  web:',
    `    image: ${image}`,
    '    command: ["httpd", "-f", "-p", "80"]',
    '    depends_on: [db]',
    '  db:',
    `    image: ${image}`,
    '    command: ["sleep", "1000"]',
    '    stop_signal: SIGKILL',
    '    volumes: ["data:/data"]',
    '  worker:',
    `    image: ${image}`,
    '    command: ["sleep", "1000"]',
    '    stop_signal: SIGKILL',
    'volumes:',
    '  data: {}',
    '',
  ].join('\n');

/** A project dir with its compose file, owned by the user. */
async function projectDir(name, image) {
  const d = path.join(dir, name);
  await fs.mkdirp(d);
  await fs.writeFile(path.join(d, 'compose.yaml'), project(image));
  if (sb.asRoot) spawnSyncChown(d);
  return d;
}

function spawnSyncChown(p) {
  spawnSync('chown', ['-R', `${who.uid}:${who.gid}`, p]);
}

/** A `podman` for podman-compose: the given argv prefix, then podman-compose's own arguments. */
async function wrapper(name, prefix) {
  const f = path.join(dir, name);
  await fs.writeFile(f, `#!/bin/sh\nexec ${prefix.map((a) => `'${a}'`).join(' ')} "$@"\n`, { mode: 0o755 });
  if (sb.asRoot) spawnSyncChown(f);
  return f;
}

/** up -d then down, `runs` times after `warmup`: medians of each. */
function upDown(label, up, down, opts) {
  const ups = [];
  const downs = [];
  for (let i = 0; i < warmup + runs; i++) {
    const t0 = performance.now();
    sh(up, opts);
    const t1 = performance.now();
    sh(down, opts);
    const t2 = performance.now();
    if (i >= warmup) {
      ups.push(t1 - t0);
      downs.push(t2 - t1);
    }
  }
  results.push(stats(`${label} up -d`, ups), stats(`${label} down`, downs));
}

const inDir = (d, argv) => ['sh', '-c', 'cd "$1" && shift && exec "$@"', 'sh', d, ...argv];

try {
  const tar = await importBusybox();
  const ours = await projectDir('ours', 'bench');
  upDown('tsc-run compose', inDir(ours, tsc('compose', 'up', '-d')), inDir(ours, tsc('compose', 'down', '-t', '0')), {});

  if (!fs.existsSync(PODMAN_COMPOSE)) notes.push('podman-compose skipped: not installed (npm run setup-host installs it)');
  else {
    const onTsc = await projectDir('pc-tsc', 'bench');
    const tscPodman = await wrapper('tsc-podman', tsc());
    upDown('podman-compose on tsc-run', inDir(onTsc, [PODMAN_COMPOSE, '--podman-path', tscPodman, 'up', '-d']), inDir(onTsc, [PODMAN_COMPOSE, '--podman-path', tscPodman, 'down', '-t', '0']), {});
    if (!podmanAvailable) notes.push('podman-compose on podman skipped: podman not installed');
    else {
      const p = { podman: true };
      const imported = sh(podmanArgv('import', tar, 'localhost/bench'), { ...p, allowFail: true });
      const onPodman = await projectDir('pc-podman', 'localhost/bench');
      const realPodman = await wrapper('real-podman', podmanArgv());
      const up = inDir(onPodman, [PODMAN_COMPOSE, '--podman-path', realPodman, 'up', '-d']);
      const down = inDir(onPodman, [PODMAN_COMPOSE, '--podman-path', realPodman, 'down', '-t', '0']);
      const probe = imported.status === 0 ? sh(up, { ...p, allowFail: true }) : imported;
      // podman-compose exits 0 even when a podman run failed: count what runs.
      const running = sh(podmanArgv('ps', '-q'), { ...p, allowFail: true }).stdout.split('\n').filter(Boolean).length;
      sh(down, { ...p, allowFail: true });
      if (probe.status !== 0 || running !== 3) {
        const why = (probe.stderr + probe.stdout).split('\n').filter((l) => /^Error|exit code: [1-9]/.test(l) && !/no such volume/.test(l)).pop();
        notes.push(`podman-compose on podman skipped: it cannot run the project here (${running} of 3 running): ${why ?? 'failed'}`);
      } else {
        upDown('podman-compose on podman', up, down, p);
      }
    }
  }
} finally {
  cleanup();
}

printTable(`compose benchmark (3 services, cached image) as ${who.name}, ${runs} runs after ${warmup} warm-up, wall ms`, results);
const med = (n) => results.find((r) => r.name === n)?.median;
for (const other of ['podman-compose on podman', 'podman-compose on tsc-run']) {
  const x = med('tsc-run compose up -d');
  const y = med(`${other} up -d`);
  if (x && y) echo(`tsc-run compose up -d / ${other} up -d: ${(x / y).toFixed(2)}x`);
}
for (const n of notes) echo(n);
