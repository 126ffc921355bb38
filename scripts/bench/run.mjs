#!/usr/bin/env zx
// `npm run bench:run` (or `npx zx scripts/bench/run.mjs`): container start-up
// beside podman, as the same unprivileged user, on the same busybox image
// imported into both (each in a throwaway store):
//   run --rm IMG true                 a whole foreground container
//   run -d IMG sleep + stop + rm      a detached one through its life
// and the RSS of an idle monitor next to conmon's. Median/p90 of --runs
// (default 20) after --warmup (default 3). Needs `npm run bundle` first.
// As root it runs everything as the test user (tsctest, --user NAME); podman
// goes through a private mount namespace without /sys/fs/cgroup/unified,
// because crun refuses hybrid cgroup hosts ("cgroups in hybrid mode not
// supported") — the host itself is not changed.
import 'zx/globals';
import { benchSandbox, benchUser, printTable, requireBundle, timeIt } from './lib.mjs';

$.verbose = false;
const runs = Number(argv.runs ?? 20);
const warmup = Number(argv.warmup ?? 3);
const userName = argv.user ?? 'tsctest';

requireBundle();
const who = benchUser(userName);
const { dir, tsc, podmanArgv, podmanAvailable, sh, importBusybox, cleanup } = await benchSandbox('run', { who });
const timing = { runs, warmup };

function rssKb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

const results = [];
const rss = [];
try {
  const tar = await importBusybox();

  results.push(timeIt('tsc-run run --rm IMG true', () => sh(tsc('run', '--rm', 'bench', 'true')), timing));
  results.push(
    timeIt('tsc-run run -d + stop + rm', () => {
      const id = sh(tsc('run', '-d', 'bench', 'sleep', '100')).stdout.trim();
      sh(tsc('stop', '-t', '0', id));
      sh(tsc('rm', id));
    }, timing),
  );
  {
    const id = sh(tsc('run', '-d', 'bench', 'sleep', '100')).stdout.trim();
    await sleep(300);
    const rec = await fs.readJson(path.join(dir, 'tsc-root', 'containers', id, 'container.json'));
    rss.push(['tsc-run monitor (idle, detached)', rssKb(rec.state.monitor.pid)]);
    sh(tsc('rm', '-f', '-t', '0', id));
  }

  if (podmanAvailable) {
    const imported = sh(podmanArgv('import', tar, 'localhost/bench'), { podman: true, allowFail: true });
    const probe = imported.status === 0 ? sh(podmanArgv('run', '--rm', 'localhost/bench', 'true'), { podman: true, allowFail: true }) : imported;
    if (probe.status !== 0) {
      console.error(`bench: podman cannot run here, skipped: ${probe.stderr.trim().split('\n').pop()}`);
    } else {
      results.push(timeIt('podman run --rm IMG true', () => sh(podmanArgv('run', '--rm', 'localhost/bench', 'true'), { podman: true }), timing));
      results.push(
        timeIt('podman run -d + stop + rm', () => {
          const id = sh(podmanArgv('run', '-d', 'localhost/bench', 'sleep', '100'), { podman: true }).stdout.trim();
          sh(podmanArgv('stop', '-t', '0', id), { podman: true });
          sh(podmanArgv('rm', id), { podman: true });
        }, timing),
      );
      const id = sh(podmanArgv('run', '-d', 'localhost/bench', 'sleep', '100'), { podman: true }).stdout.trim();
      await sleep(300);
      const conmon = Number(sh(podmanArgv('inspect', '--format', '{{.State.ConmonPid}}', id), { podman: true }).stdout.trim());
      rss.push(['conmon (podman, idle, detached)', rssKb(conmon)]);
      sh(podmanArgv('rm', '-f', '-t', '0', id), { podman: true });
    }
  }
} finally {
  cleanup();
}

printTable(`run benchmark as ${who.name}, ${runs} runs after ${warmup} warm-up, wall ms`, results);
for (const [a, b] of [['tsc-run run --rm IMG true', 'podman run --rm IMG true'], ['tsc-run run -d + stop + rm', 'podman run -d + stop + rm']]) {
  const x = results.find((r) => r.name === a);
  const y = results.find((r) => r.name === b);
  if (x && y) echo(`${a} / ${b}: ${(x.median / y.median).toFixed(2)}x`);
}
for (const [name, kb] of rss) echo(`RSS ${name}: ${kb} kB`);
