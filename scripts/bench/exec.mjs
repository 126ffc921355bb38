#!/usr/bin/env zx
// `npm run bench:exec` (or `npx zx scripts/bench/exec.mjs`): the latency of
// `exec CONTAINER true` into a running container, beside `podman exec`, as
// the same unprivileged user, on the same busybox image imported into both
// (each in a throwaway store); `version` for the CLI's own start-up share.
// Median/p90 of --runs (default 30) after --warmup (default 3). Needs
// `npm run bundle` first. As root it runs everything as the test user
// (tsctest, --user NAME); podman goes through a private mount namespace
// without /sys/fs/cgroup/unified (crun refuses hybrid cgroup hosts), as in
// bench:run — the host itself is not changed.
import 'zx/globals';
import { benchSandbox, benchUser, printTable, requireBundle, timeIt } from './lib.mjs';

$.verbose = false;
const runs = Number(argv.runs ?? 30);
const warmup = Number(argv.warmup ?? 3);
const userName = argv.user ?? 'tsctest';

requireBundle();
const who = benchUser(userName);
const { tsc, podmanArgv, podmanAvailable, sh, importBusybox, cleanup } = await benchSandbox('exec', { who });
const timing = { runs, warmup };

const results = [];
let podmanNote = podmanAvailable ? '' : 'podman is not installed';
try {
  const tar = await importBusybox();
  sh(tsc('run', '-d', '--name', 'target', 'bench', 'sleep', '1000'));
  results.push(timeIt('tsc-run version', () => sh(tsc('version')), timing));
  results.push(timeIt('tsc-run exec C true', () => sh(tsc('exec', 'target', 'true')), timing));

  if (podmanAvailable) {
    const imported = sh(podmanArgv('import', tar, 'localhost/bench'), { podman: true, allowFail: true });
    const started = imported.status === 0 ? sh(podmanArgv('run', '-d', '--name', 'target', 'localhost/bench', 'sleep', '1000'), { podman: true, allowFail: true }) : imported;
    const probe = started.status === 0 ? sh(podmanArgv('exec', 'target', 'true'), { podman: true, allowFail: true }) : started;
    if (probe.status !== 0) {
      podmanNote = `podman cannot exec here: ${probe.stderr.trim().split('\n').pop()}`;
    } else {
      results.push(timeIt('podman exec C true', () => sh(podmanArgv('exec', 'target', 'true'), { podman: true }), timing));
    }
  }
} finally {
  cleanup();
}

printTable(`exec benchmark as ${who.name}, ${runs} runs after ${warmup} warm-up, wall ms`, results);
const ours = results.find((r) => r.name === 'tsc-run exec C true');
const theirs = results.find((r) => r.name === 'podman exec C true');
if (ours && theirs) echo(`tsc-run exec / podman exec: ${(ours.median / theirs.median).toFixed(2)}x (aim: at most 0.5x)`);
else echo(`podman exec: n/a (${podmanNote})`);
