#!/usr/bin/env zx
// Rehearse CI on this machine: a fresh Debian 12 root filesystem (debootstrap
// minbase, cached), the machine's own Node and npm copied in, a fresh clone of
// HEAD in /root/ci, then `bash .ci/run` (or the command given) as root with no
// stdin, in new mount/PID/UTS namespaces. The network is the host's.
//   sudo npx zx scripts/ci-fresh.mjs                       # bash .ci/run
//   sudo npx zx scripts/ci-fresh.mjs 'npm ci && npm run demo'
import 'zx/globals';

$.verbose = false;
if (process.getuid() !== 0) {
  echo('ci-fresh: run as root (it builds a root filesystem and mounts in it)');
  process.exit(1);
}
const repo = path.resolve(__dirname, '..');
const work = process.env.TSC_RUN_CI_FRESH_DIR || '/var/tmp/tsc-run-ci-fresh';
const base = path.join(work, 'base');
const R = path.join(work, 'run');
const command = process.argv[3] || 'bash .ci/run';

if (!fs.existsSync(path.join(base, 'etc/debian_version'))) {
  if (!(await which('debootstrap', { nothrow: true }))) {
    echo('ci-fresh: needs debootstrap: apt-get install -y --no-install-recommends debootstrap');
    process.exit(1);
  }
  echo(`ci-fresh: debootstrap bookworm into ${base} (once)`);
  await fs.remove(base);
  await $({ stdio: ['ignore', 'ignore', 'inherit'] })`debootstrap --variant=minbase bookworm ${base} http://deb.debian.org/debian`;
}

// The machine's Node (what CI provides), not the project's Node 24 that npm put first on PATH.
const sysNode = ['/usr/local/bin/node', '/usr/bin/node'].find((p) => fs.existsSync(p));
const npmDir = sysNode && [path.resolve(path.dirname(sysNode), '../lib/node_modules/npm')].find((p) => fs.existsSync(p));
if (!sysNode || !npmDir) {
  echo('ci-fresh: no system node and npm found in /usr/local or /usr');
  process.exit(1);
}

echo(`ci-fresh: fresh copy in ${R}; node ${(await $`${sysNode} --version`).stdout.trim()}; running: ${command}`);
await $`rm -rf ${R}`;
await $`cp -a ${base} ${R}`;
await fs.mkdirp(path.join(R, 'usr/lib/node_modules'));
await $`cp -a ${sysNode} ${R}/usr/bin/node`;
await $`cp -a ${npmDir} ${R}/usr/lib/node_modules/npm`;
await fs.symlink('../lib/node_modules/npm/bin/npm-cli.js', path.join(R, 'usr/bin/npm'));
await fs.symlink('../lib/node_modules/npm/bin/npx-cli.js', path.join(R, 'usr/bin/npx'));
// Whatever lets this machine reach the npm registry (proxy CA, npmrc) goes in too.
for (const f of ['/etc/resolv.conf', '/etc/ssl/certs/ca-certificates.crt', '/etc/npmrc', '/root/.npmrc']) {
  if (fs.existsSync(f)) await fs.copy(f, path.join(R, f), { dereference: true });
}
await $`git -C ${repo} rev-parse HEAD`; // a checkout, not a tarball
await $`git clone -q ${repo} ${R}/root/ci`;

const env = ['HOME=/root', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'LANG=C.UTF-8', 'TERM=dumb'];
if (process.env.NODE_EXTRA_CA_CERTS) env.push(`NODE_EXTRA_CA_CERTS=${process.env.NODE_EXTRA_CA_CERTS}`);
const inner = `
set -e
R=${quote(R)}
mount --bind "$R" "$R"
mount -t proc proc "$R/proc"
mount -t sysfs sys "$R/sys"
mount -t cgroup2 cgroup2 "$R/sys/fs/cgroup" || true
# A minimal /dev as a machine without udev rules for them would have: no /dev/net/tun, /dev/fuse 0600.
mount -t tmpfs -o mode=0755 dev "$R/dev"
for d in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
  IFS=: read -r n ma mi <<<"$d"; mknod -m 0666 "$R/dev/$n" c "$ma" "$mi"
done
mknod -m 0600 "$R/dev/fuse" c 10 229
mkdir "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
ln -s /proc/self/fd "$R/dev/fd"
mount -t tmpfs -o mode=1777 shm "$R/dev/shm"
hostname ci-fresh
# pivot_root, not chroot: a chrooted process may not create user namespaces.
cd "$R" && mkdir -p .oldroot && pivot_root . .oldroot && cd / && umount -l /.oldroot && rmdir /.oldroot
exec env -i ${env.map(quote).join(' ')} bash -c ${quote(`cd /root/ci && time (${command}) </dev/null`)}
`;
const r = await $({ stdio: ['ignore', 'inherit', 'inherit'] })`unshare --mount --pid --fork --uts --propagation private bash -c ${inner}`.nothrow();
echo(`ci-fresh: exit ${r.exitCode} (the tree stays in ${R} for inspection)`);
process.exit(r.exitCode ?? 1);
