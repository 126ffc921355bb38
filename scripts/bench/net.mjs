#!/usr/bin/env zx
// `npm run bench:net` (or `npx zx scripts/bench/net.mjs`): port-forwarded
// HTTP throughput. A busybox httpd in a container serves a 100 MB file on a
// published port (-p 127.0.0.1:PORT:80); Node's HTTP client on the host
// downloads it --runs times (default 5, after one warm-up) and we report
// MB/s (median, best). Cases: tsc-run with pasta and with slirp4netns, the
// host network as the ceiling, and podman beside it with the same backend
// (podman 4.3 has slirp4netns but no pasta; its port_handler=slirp4netns is
// the same forwarding path as ours, its default rootlessport another).
// Same unprivileged user for both (tsctest when run as root, --user NAME);
// podman goes through a private mount namespace without
// /sys/fs/cgroup/unified (crun refuses hybrid cgroup hosts), as bench:run.
// Needs `npm run bundle` first.
import 'zx/globals';
import http from 'node:http';
import net from 'node:net';
import { benchSandbox, benchUser, requireBundle } from './lib.mjs';

$.verbose = false;
const runs = Number(argv.runs ?? 5);
const sizeMb = Number(argv.mb ?? 100);
const userName = argv.user ?? 'tsctest';

requireBundle();
const who = benchUser(userName);
const { tsc, podmanArgv, podmanAvailable, sh, importBusybox, cleanup } = await benchSandbox('net', { who, shortPodmanXdg: true });

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Download http://127.0.0.1:port/big once; bytes and milliseconds. */
function download(port) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get({ host: '127.0.0.1', port, path: '/big', agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (c) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode, bytes, ms: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** Wait until the whole file is served (dd and httpd start inside the container). */
async function ready(port) {
  for (let i = 0; i < 300; i++) {
    const r = await download(port).catch(() => undefined);
    if (r && r.status === 200 && r.bytes === sizeMb * 1024 * 1024) return;
    await sleep(100);
  }
  throw new Error(`nothing served on 127.0.0.1:${port}`);
}

async function measure(name, port) {
  await ready(port); // also the warm-up
  const mbps = [];
  for (let i = 0; i < runs; i++) {
    const r = await download(port);
    if (r.bytes !== sizeMb * 1024 * 1024) throw new Error(`${name}: short download (${r.bytes} bytes)`);
    mbps.push(sizeMb / (r.ms / 1000));
  }
  mbps.sort((a, b) => a - b);
  return { name, median: mbps[Math.floor(mbps.length / 2)], best: mbps[mbps.length - 1] };
}

const serve = (port) => ['sh', '-c', `mkdir -p /srv && dd if=/dev/zero of=/srv/big bs=1M count=${sizeMb} 2>/dev/null && exec httpd -f -p ${port} -h /srv`];
const results = [];
const notes = [];
try {
  const tar = await importBusybox();

  for (const network of ['host', 'pasta', 'slirp4netns']) {
    const port = await freePort();
    const args = network === 'host' ? ['--network', 'host', 'bench', ...serve(port)] : ['--network', network, '-p', `127.0.0.1:${port}:80`, 'bench', ...serve(80)];
    const id = sh(tsc('run', '-d', ...args)).stdout.trim();
    try {
      results.push(await measure(network === 'host' ? 'tsc-run --network host (no forwarding)' : `tsc-run ${network} -p`, port));
    } finally {
      sh(tsc('rm', '-f', '-t', '0', id), { allowFail: true });
    }
  }

  if (!podmanAvailable) notes.push('podman: not installed');
  else {
    const imported = sh(podmanArgv('import', tar, 'localhost/bench'), { podman: true, allowFail: true });
    if (imported.status !== 0) notes.push(`podman: import failed: ${imported.stderr.trim().split('\n').pop()}`);
    else {
      const cases = [
        ['pasta', 'podman pasta -p'],
        ['slirp4netns:port_handler=slirp4netns', 'podman slirp4netns -p (port_handler=slirp4netns)'],
        ['slirp4netns', 'podman slirp4netns -p (rootlessport)'],
      ];
      for (const [network, name] of cases) {
        const port = await freePort();
        const r = sh(podmanArgv('run', '-d', '--network', network, '-p', `127.0.0.1:${port}:80`, 'localhost/bench', ...serve(80)), { podman: true, allowFail: true });
        if (r.status !== 0) {
          notes.push(`${name}: n/a: ${r.stderr.trim().split('\n').pop()}`);
          continue;
        }
        try {
          results.push(await measure(name, port));
        } finally {
          sh(podmanArgv('rm', '-f', '-t', '0', r.stdout.trim()), { podman: true, allowFail: true });
        }
      }
    }
  }
} finally {
  cleanup();
}

const w = Math.max(...results.map((r) => r.name.length));
echo(`net benchmark as ${who.name}: ${sizeMb} MB over HTTP from a container's published port, ${runs} runs, MB/s; ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}`);
echo(`${'case'.padEnd(w)}  ${'median'.padStart(8)}${'best'.padStart(8)}`);
for (const r of results) echo(`${r.name.padEnd(w)}  ${r.median.toFixed(0).padStart(8)}${r.best.toFixed(0).padStart(8)}`);
for (const n of notes) echo(n);
