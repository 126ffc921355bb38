#!/usr/bin/env zx
// `npm run bench:net-bridge`: bridge networks beside podman, as the same
// unprivileged user, on the busybox image imported into both:
//   run --rm --network N IMG true     a container on a user-defined network
//   run --rm IMG true                 the same on the default (pasta), for scale
//   run --rm --network N IMG true     the same on a --disable-dns network
//   200 MB container → container      nc over the bridge
//   200 MB host → published port       -p into a bridge container (our forwarder / rootlessport)
// and the RSS of the rootless netns holder, the DNS responder and a port forwarder. Median/p90 of --runs (default 10)
// after --warmup (default 2); the published port: the median of --samples
// (default 3), ours and podman's alternating.
// --ports-only: only the published port and the RSS figures. Needs `npm run
// bundle` first. podman is skipped, with its reason, where it cannot run
// bridge networks here.
import 'zx/globals';
import netMod from 'node:net';
import { benchSandbox, benchUser, printTable, requireBundle, timeIt } from './lib.mjs';

$.verbose = false;
const runs = Number(argv.runs ?? 10);
const warmup = Number(argv.warmup ?? 2);
const who = benchUser(argv.user ?? 'tsctest');
requireBundle();
const { dir, tsc, podmanArgv, podmanAvailable, sh, importBusybox, cleanup } = await benchSandbox('net-bridge', { who, shortPodmanXdg: true });
const timing = { runs, warmup };
const results = [];
const notes = [];
const MB = 200;
const samples = Number(argv.samples ?? 3);
const portsOnly = Boolean(argv['ports-only']);
const rates = (all) => all.map((x) => (MB / x).toFixed(0)).join(', ');

/** Seconds for MB megabytes from a client container to a server container by name, on network `net`. */
function throughput(cli, net, opts = {}) {
  const server = sh(cli('run', '-d', '--network', net, '--name', 'sink', opts.image ?? 'bench', 'sh', '-c', 'nc -l -p 5000 > /dev/null'), opts).stdout.trim();
  // By address: podman's CNI here has no DNS plugin.
  const ip = sh(cli('inspect', '--format', `{{.NetworkSettings.Networks.${net}.IPAddress}}`, server), opts).stdout.trim();
  try {
    const t0 = performance.now();
    sh(cli('run', '--rm', '--network', net, opts.image ?? 'bench', 'sh', '-c', `sleep 0.3; dd if=/dev/zero bs=1M count=${MB} 2>/dev/null | nc -w 5 ${ip} 5000`), opts);
    return (performance.now() - t0 - 300) / 1000;
  } finally {
    sh(cli('rm', '-f', '-t', '0', server), { ...opts, allowFail: true });
  }
}

/** Seconds for MB megabytes from the host to a bridge container's published port (until the server hangs up). */
async function publishedThroughput(cli, net, opts = {}) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  // nc's stdin never ends (sleep), so it hangs up only once our data has all arrived.
  const server = sh(cli('run', '-d', '--network', net, '-p', `127.0.0.1:${port}:5000`, opts.image ?? 'bench', 'sh', '-c', 'sleep 100000 | nc -l -p 5000 > /dev/null'), opts).stdout.trim();
  try {
    const chunk = Buffer.alloc(1 << 20);
    for (let attempt = 0; ; attempt++) {
      const t0 = performance.now();
      const ok = await new Promise((resolve) => {
        const sock = netMod.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
        let sent = 0;
        const pump = () => {
          while (sent < MB) {
            sent++;
            if (!sock.write(chunk)) return sock.once('drain', pump);
          }
          sock.end();
        };
        sock.on('connect', pump);
        sock.on('data', () => {});
        sock.on('error', () => resolve(false));
        sock.on('close', () => resolve(sent === MB));
      });
      const s = (performance.now() - t0) / 1000;
      // A quick close: the server in the container was not listening yet.
      if (ok && s > 0.05) return s;
      if (attempt > 50) throw new Error('the published port never took the data');
      await sleep(200);
    }
  } finally {
    sh(cli('rm', '-f', '-t', '0', server), { ...opts, allowFail: true });
  }
}

try {
  const tar = await importBusybox();
  sh(tsc('network', 'create', 'benchnet'));
  if (!portsOnly) {
    results.push(timeIt('tsc-run run --rm --network N IMG true', () => sh(tsc('run', '--rm', '--network', 'benchnet', 'bench', 'true')), timing));
    sh(tsc('network', 'create', '--disable-dns', 'nodnsnet'));
    results.push(timeIt('tsc-run run --rm --network N(no DNS) IMG true', () => sh(tsc('run', '--rm', '--network', 'nodnsnet', 'bench', 'true')), timing));
    results.push(timeIt('tsc-run run --rm IMG true (pasta)', () => sh(tsc('run', '--rm', 'bench', 'true')), timing));
    const s = throughput(tsc, 'benchnet');
    notes.push(`tsc-run container → container over the bridge: ${MB} MB in ${s.toFixed(2)} s = ${(MB / s).toFixed(0)} MB/s`);
  }
  // podman's side made ready first, so the published-port samples alternate (ours, podman's): the load of a shared machine changes by the minute.
  const p = { podman: true };
  let podmanNote;
  if (podmanAvailable) {
    const imported = sh(podmanArgv('import', tar, 'localhost/bench'), { ...p, allowFail: true });
    const made = imported.status === 0 ? sh(podmanArgv('network', 'create', 'benchnet'), { ...p, allowFail: true }) : imported;
    const probe = made.status === 0 ? sh(podmanArgv('run', '--rm', '--network', 'benchnet', 'localhost/bench', 'true'), { ...p, allowFail: true }) : made;
    if (probe.status !== 0) podmanNote = `podman skipped: it cannot run a container on a bridge network here: ${probe.stderr.trim().split('\n').pop()}`;
  } else podmanNote = 'podman skipped: not available';
  const ours = [];
  const theirs = [];
  for (let i = 0; i < samples; i++) {
    ours.push(await publishedThroughput(tsc, 'benchnet'));
    if (podmanNote) continue;
    try {
      theirs.push(await publishedThroughput(podmanArgv, 'benchnet', { ...p, image: 'localhost/bench' }));
    } catch (err) {
      podmanNote = `podman's published port skipped: ${err.message}`;
    }
  }
  const median = (all) => [...all].sort((a, b) => a - b)[Math.floor(all.length / 2)];
  notes.push(`tsc-run host → published port of a bridge container: median ${(MB / median(ours)).toFixed(0)} MB/s of ${samples} × ${MB} MB (${rates(ours)})`);
  if (theirs.length) notes.push(`podman host → published port of a bridge container (rootlessport), alternating with ours: median ${(MB / median(theirs)).toFixed(0)} MB/s (${rates(theirs)})`);
  // The DNS responder and a port forwarder, while a container with a published port runs.
  const keep = sh(tsc('run', '-d', '--network', 'benchnet', '-p', '127.0.0.1::5000', 'bench', 'sleep', '600')).stdout.trim();
  const nets = path.join(dir, 'xdg', 'rr', 'networks');
  const rssOf = (file) => {
    if (!fs.existsSync(file)) return undefined;
    const { pid } = fs.readJsonSync(file);
    return fs.existsSync(`/proc/${pid}`) ? Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) : undefined;
  };
  const dnsKb = rssOf(path.join(nets, 'dns.json'));
  const fwdKb = rssOf(path.join(nets, 'ports', `${keep}.json`));
  if (dnsKb) notes.push(`RSS of the DNS responder (one per user, all networks): ${dnsKb} kB`);
  if (fwdKb) notes.push(`RSS of a container's port forwarder: ${fwdKb} kB`);
  sh(tsc('rm', '-f', '-t', '0', keep), { allowFail: true });
  const rr = path.join(dir, 'xdg', 'rr', 'networks', 'netns.json');
  if (fs.existsSync(rr)) {
    const { pid } = await fs.readJson(rr);
    const kb = (p) => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? NaN);
    if (fs.existsSync(`/proc/${pid}`)) notes.push(`RSS of the rootless netns holder (its child): ${kb(pid)} kB`);
  }

  if (podmanNote) notes.push(podmanNote);
  else if (!portsOnly) {
    results.push(timeIt('podman run --rm --network N IMG true', () => sh(podmanArgv('run', '--rm', '--network', 'benchnet', 'localhost/bench', 'true'), p), timing));
    const ps = throughput(podmanArgv, 'benchnet', { ...p, image: 'localhost/bench' });
    notes.push(`podman container → container over the bridge: ${MB} MB in ${ps.toFixed(2)} s = ${(MB / ps).toFixed(0)} MB/s`);
  }
} finally {
  cleanup();
}

printTable(`bridge network benchmark as ${who.name}, ${runs} runs after ${warmup} warm-up, wall ms`, results);
const x = results.find((r) => r.name === 'tsc-run run --rm --network N IMG true');
const y = results.find((r) => r.name === 'podman run --rm --network N IMG true');
if (x && y) echo(`tsc-run / podman (run --rm on a bridge network): ${(x.median / y.median).toFixed(2)}x`);
for (const n of notes) echo(n);
