#!/usr/bin/env zx
// `npm run bench:run` (or `npx zx scripts/bench/run.mjs`): container start-up
// beside podman, as the same unprivileged user, on the same busybox image
// imported into both (each in a throwaway store):
//   run --rm IMG true                 a whole foreground container
//   run --rm --network none IMG true  the same without a network program
//   run -d IMG sleep + stop + rm      a detached one through its life
// Cases run in turn (ours, podman's, ours, ...), so load swings on a shared
// host hit both alike; the ratios are what to read.
// and the RSS of an idle monitor next to conmon's. Median/p90 of --runs
// (default 20) after --warmup (default 3). Needs `npm run bundle` first.
// As root it runs everything as the test user (tsctest, --user NAME); podman
// goes through a private mount namespace without /sys/fs/cgroup/unified,
// because crun refuses hybrid cgroup hosts ("cgroups in hybrid mode not
// supported") — the host itself is not changed.
import 'zx/globals';
import { benchSandbox, benchUser, printTable, requireBundle, timeAlternating } from './lib.mjs';

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

  const tscRm = () => sh(tsc('run', '--rm', 'bench', 'true'));
  const tscRmNone = () => sh(tsc('run', '--rm', '--network', 'none', 'bench', 'true'));
  const tscLife = () => {
    const id = sh(tsc('run', '-d', 'bench', 'sleep', '100')).stdout.trim();
    sh(tsc('stop', '-t', '0', id));
    sh(tsc('rm', id));
  };
  {
    const id = sh(tsc('run', '-d', 'bench', 'sleep', '100')).stdout.trim();
    await sleep(300);
    const rec = await fs.readJson(path.join(dir, 'tsc-root', 'containers', id, 'container.json'));
    rss.push(['tsc-run monitor (idle, detached)', rssKb(rec.state.monitor.pid)]);
    sh(tsc('rm', '-f', '-t', '0', id));
  }

  let podmanOk = false;
  if (podmanAvailable) {
    const imported = sh(podmanArgv('import', tar, 'localhost/bench'), { podman: true, allowFail: true });
    const probe = imported.status === 0 ? sh(podmanArgv('run', '--rm', 'localhost/bench', 'true'), { podman: true, allowFail: true }) : imported;
    if (probe.status !== 0) console.error(`bench: podman cannot run here, skipped: ${probe.stderr.trim().split('\n').pop()}`);
    else podmanOk = true;
  }
  // Each tsc-run case runs in turn with podman's, so both see the same load.
  const cases = [
    ['tsc-run run --rm IMG true', tscRm],
    ['tsc-run run --rm --network none IMG true', tscRmNone],
    ['tsc-run run -d + stop + rm', tscLife],
  ];
  if (podmanOk) {
    const p = (args) => sh(podmanArgv(...args), { podman: true });
    cases.push(
      ['podman run --rm IMG true', () => p(['run', '--rm', 'localhost/bench', 'true'])],
      ['podman run --rm --network none IMG true', () => p(['run', '--rm', '--network', 'none', 'localhost/bench', 'true'])],
      [
        'podman run -d + stop + rm',
        () => {
          const id = p(['run', '-d', 'localhost/bench', 'sleep', '100']).stdout.trim();
          p(['stop', '-t', '0', id]);
          p(['rm', id]);
        },
      ],
    );
  }
  results.push(...timeAlternating(cases, timing));
  // Peak RSS of the CLI for `run --rm` (GNU time's %M: the largest of the command and what it waited for), median of 5.
  const peak = (argv, opts = {}) => {
    const kb = [];
    for (let i = 0; i < 5; i++) kb.push(Number(sh(['/usr/bin/time', '-f', '%M', ...argv], opts).stderr.trim().split('\n').pop()));
    return kb.sort((a, b) => a - b)[2];
  };
  if (fs.existsSync('/usr/bin/time')) {
    rss.push(['peak, tsc-run run --rm IMG true', peak(tsc('run', '--rm', 'bench', 'true'))]);
    if (podmanOk) rss.push(['peak, podman run --rm IMG true', peak(podmanArgv('run', '--rm', 'localhost/bench', 'true'), { podman: true })]);
  }
  if (podmanOk) {
    const id = sh(podmanArgv('run', '-d', 'localhost/bench', 'sleep', '100'), { podman: true }).stdout.trim();
    await sleep(300);
    const conmon = Number(sh(podmanArgv('inspect', '--format', '{{.State.ConmonPid}}', id), { podman: true }).stdout.trim());
    rss.push(['conmon (podman, idle, detached)', rssKb(conmon)]);
    sh(podmanArgv('rm', '-f', '-t', '0', id), { podman: true });
  }
} finally {
  cleanup();
}

printTable(`run benchmark as ${who.name}, ${runs} runs after ${warmup} warm-up, wall ms`, results);
for (const [a, b] of [['tsc-run run --rm IMG true', 'podman run --rm IMG true'], ['tsc-run run --rm --network none IMG true', 'podman run --rm --network none IMG true'], ['tsc-run run -d + stop + rm', 'podman run -d + stop + rm']]) {
  const x = results.find((r) => r.name === a);
  const y = results.find((r) => r.name === b);
  if (x && y) echo(`${a} / ${b}: ${(x.median / y.median).toFixed(2)}x`);
}
for (const [name, kb] of rss) echo(`RSS ${name}: ${kb} kB`);
