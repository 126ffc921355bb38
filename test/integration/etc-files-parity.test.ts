// The generated /etc/hosts and /etc/resolv.conf as podman 4.3 writes them
// (issue 9, podman's 500-networking.bats): containers.conf's
// base_hosts_file, host_containers_internal_ip, no_hosts, dns_servers,
// dns_searches and dns_options (CONTAINERS_CONF); names already listed are
// not listed again; no line of the container's own on the host's network;
// host.containers.internal reaching the host under pasta and slirp4netns;
// --dns-opt (podman's hidden alias of --dns-option). As the test user; as
// root, the host-network file side by side with podman's.

import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, runProcess, STD_PATH, tscRun, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

/** podman 4.3's choice for a rootless container: the host's first global unicast address, IPv4 first. */
function hostLocalAddress(): string | undefined {
  let v6: string | undefined;
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal || a.address.startsWith('169.254.') || /^fe[89ab]/i.test(a.address)) continue;
      if (a.family === 'IPv4') return a.address;
      v6 ??= a.address;
    }
  }
  return v6;
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

for (const as of ['user', 'root'] as const) {
  describe.runIf(as === 'user' || isRoot())(`generated /etc files as podman 4.3 (${as})`, () => {
    let sb: Sandbox;
    const run = (args: string[], env: Record<string, string> = {}) => tscRun(['run', '--rm', ...args], { sandbox: sb, env });
    const ok = async (args: string[], env: Record<string, string> = {}): Promise<string> => {
      const r = await run(args, env);
      expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stderr).toBe('');
      return r.stdout;
    };
    beforeAll(async () => {
      sb = await busyboxSandbox(`etc-files-${as}`, as);
    });
    afterAll(() => disposeSandbox(sb));

    it('base_hosts_file and host_containers_internal_ip: --add-host, the base file, localhost, then the container; a listed name is not listed again', async () => {
      const base = sb.file('conf/basehosts', '172.22.1.7 hostone\n172.22.2.9 hosttwo #some comment\n');
      const conf = sb.file('conf/hosts.conf', `[containers]\nbase_hosts_file = "${base}"\nhost_containers_internal_ip = "172.23.4.5"\n`);
      const env = { CONTAINERS_CONF: conf };
      const a = await ok(['--add-host', 'hostthree:172.16.33.4', '--network', 'slirp4netns', '--name', `web-${as}`, '--hostname', 'webhost', 'bb', 'cat', '/etc/hosts'], env);
      expect(a).toBe(
        '172.16.33.4\thostthree\n172.22.1.7\thostone\n172.22.2.9\thosttwo\n127.0.0.1\tlocalhost\n::1\tlocalhost\n' +
          `172.23.4.5\thost.containers.internal\n10.0.2.100\twebhost web-${as}\n`,
      );
      // Name and hostname already in the base file: podman adds no line of its own (5 lines).
      const b = await ok(['--name', 'hostone', '--hostname', 'hostone', 'bb', 'cat', '/etc/hosts'], env);
      expect(lines(b)).toHaveLength(5);
      expect(b).toMatch(/^172\.22\.1\.7\thostone\n/);
      // "none" for both: no base entries, no host.containers.internal.
      const none = sb.file('conf/none.conf', '[containers]\nbase_hosts_file = "none"\nhost_containers_internal_ip = "none"\n');
      expect(await ok(['--network', 'none', '--name', `n-${as}`, '--hostname', 'h', 'bb', 'cat', '/etc/hosts'], { CONTAINERS_CONF: none })).toBe(
        `127.0.0.1\tlocalhost\n::1\tlocalhost\n127.0.0.1\th n-${as}\n`,
      );
      // A base file that does not exist fails the start with podman's words.
      const missing = sb.file('conf/missing.conf', `[containers]\nbase_hosts_file = "${path.join(sb.dir, 'nosuch')}"\n`);
      const r = await run(['bb', 'true'], { CONTAINERS_CONF: missing });
      expect(r.exitCode).toBe(125);
      expect(r.stderr).toBe(`Error: failed to create new hosts file: open ${path.join(sb.dir, 'nosuch')}: no such file or directory\n`);
    });

    it('no_hosts: the image\'s /etc/hosts (none here); with --add-host, podman\'s refusal; --no-hosts=false overrides it', async () => {
      const conf = sb.file('conf/nohosts.conf', '[containers]\nno_hosts = true\n');
      const env = { CONTAINERS_CONF: conf };
      const r = await run(['bb', 'cat', '/etc/hosts'], env);
      expect(r.stderr).toBe("cat: can't open '/etc/hosts': No such file or directory\n");
      const add = await run(['--add-host', 'a:10.1.1.1', 'bb', 'true'], env);
      expect([add.exitCode, add.stderr]).toEqual([125, 'Error: --no-hosts and --add-host cannot be set together\n']);
      expect(await ok(['--no-hosts=false', 'bb', 'cat', '/etc/hosts'], env)).toContain('localhost');
    });

    it('dns_servers, dns_searches, dns_options come first and replace the network\'s resolver; --dns-opt is --dns-option', async () => {
      const conf = sb.file('conf/dns.conf', '[containers]\ndns_searches = ["example.com"]\ndns_servers = ["1.1.1.1", "100.100.100.100"]\ndns_options = ["ndots:3"]\n');
      const env = { CONTAINERS_CONF: conf };
      expect(await ok(['--network', 'slirp4netns', 'bb', 'cat', '/etc/resolv.conf'], env)).toBe('search example.com\nnameserver 1.1.1.1\nnameserver 100.100.100.100\noptions ndots:3\n');
      expect(await ok(['--dns', '8.8.8.8', '--dns-option', 'rotate', 'bb', 'cat', '/etc/resolv.conf'], env)).toBe(
        'search example.com\nnameserver 1.1.1.1\nnameserver 100.100.100.100\nnameserver 8.8.8.8\noptions ndots:3 rotate\n',
      );
      expect(await ok(['--dns-opt=timeout:2', '--dns', '9.9.9.9', 'bb', 'cat', '/etc/resolv.conf'])).toMatch(/\noptions timeout:2\n$/);
      const help = await tscRun(['run', '--help'], { sandbox: sb });
      expect(help.stdout).toContain('--dns-option');
      expect(help.stdout).not.toContain('--dns-opt ');
    });

    it('host network: the host\'s entries and host.containers.internal, no line of the container\'s own', async () => {
      const out = await ok(['--network', 'host', '--name', `hn-${as}`, 'bb', 'cat', '/etc/hosts']);
      expect(out).not.toContain(`hn-${as}`);
      const local = hostLocalAddress();
      if (local) expect(out).toContain(`${local}\thost.containers.internal\n`);
    });

    it('host.containers.internal reaches a server on the host under pasta (another host address; the gateway with --map-gw) and slirp4netns (the host\'s address, as podman)', async () => {
      const server = net.createServer((sock) => sock.end('from the host\n'));
      await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
      const port = (server.address() as net.AddressInfo).port;
      try {
        for (const network of ['pasta', 'pasta:--map-gw', 'slirp4netns']) {
          // The shell's own "Terminated" (a timed-out nc) must not reach stderr: only the answer counts.
          const script = `grep host.containers.internal /etc/hosts || exit 0; exec 2>/dev/null; for i in 1 2 3 4 5; do timeout 5 nc host.containers.internal ${port} </dev/null >/tmp/answer; grep . /tmp/answer && exit 0; sleep 1; done`;
          const out = await ok(['--network', network, 'bb', 'sh', '-c', script]);
          // Plain pasta needs another IPv4 address of the host's (the first is the container's own copy) that
          // is up: where there is none, no line is written; where there is one, it must answer.
          if (network === 'pasta' && out === '') continue;
          expect(out, network).toMatch(/host\.containers\.internal\n(.*\n)*from the host\n$/);
          if (network === 'slirp4netns') expect(out).toContain(`${hostLocalAddress()}\thost.containers.internal`);
        }
      } finally {
        server.close();
      }
    });

    it.runIf(as === 'root' && fs.existsSync('/usr/bin/podman'))('host network: the same /etc/hosts as podman 4.3', async () => {
      const pd = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-etc-podman-'));
      try {
        const tar = path.join(pd, 'bb.tar');
        expect((await tscRun(['save', '-o', tar, 'bb'], { sandbox: sb })).exitCode).toBe(0);
        // podman runs here through crun in a private mount namespace, with ulimits this host allows it to set.
        const podman = (args: string[]) =>
          runProcess('unshare', ['-m', 'sh', '-c', 'umount /sys/fs/cgroup/unified 2>/dev/null; exec "$@"', 'sh', 'podman', '--root', path.join(pd, 'root'), '--runroot', path.join(pd, 'run'), '--storage-driver', 'vfs', '--cgroup-manager', 'cgroupfs', ...args], {
            env: { HOME: pd, PATH: STD_PATH, LANG: 'C.UTF-8' },
          });
        expect((await podman(['load', '-q', '-i', tar])).exitCode).toBe(0);
        const theirs = await podman(['run', '--rm', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024', '--network', 'host', '--add-host', 'db:10.1.2.3', '--name', 'same', 'bb', 'cat', '/etc/hosts']);
        if (theirs.exitCode !== 0) {
          console.warn(`etc-files-parity: podman run unavailable here: ${theirs.stderr.trim()}`);
          return;
        }
        expect(await ok(['--network', 'host', '--add-host', 'db:10.1.2.3', '--name', 'same', 'bb', 'cat', '/etc/hosts'])).toBe(theirs.stdout);
      } finally {
        await runProcess('podman', ['--root', path.join(pd, 'root'), '--runroot', path.join(pd, 'run'), '--storage-driver', 'vfs', 'system', 'reset', '--force'], { env: { HOME: pd, PATH: STD_PATH } }).catch(() => undefined);
        fs.rmSync(pd, { recursive: true, force: true });
      }
    });
  });
}
