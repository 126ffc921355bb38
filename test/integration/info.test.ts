// `tsc-run info` and `tsc-run system doctor` end to end: the built CLI, the
// real helper's overlay probe, as the unprivileged test user and as root,
// and as a uid without subordinate ids (doctor must fail with the fix).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cliBinary,
  disposeStore,
  emptyStore,
  isRoot,
  runProcess,
  sandboxBase,
  STD_PATH,
  testUser,
  tscRun,
  tscRunOk,
  type Sandbox,
} from '../harness/index.js';

interface InfoJson {
  host: Record<string, unknown> & {
    kernel: string;
    cgroupVersion: string;
    cgroupDelegated: boolean;
    networkBackend: string;
    security: { rootless: boolean };
    idMappings: { uidmap: Array<{ container_id: number; host_id: number; size: number }> | null };
    pasta: { executable: string };
    slirp4netns: { executable: string };
  };
  store: Record<string, unknown> & {
    graphRoot: string;
    runRoot: string;
    graphDriverName: string;
    graphDriverReason: string;
    imageStore: { number: number };
    containerStore: { number: number };
  };
  registries: Record<string, unknown>;
  version: { Version: string };
}

interface Check {
  Name: string;
  Status: 'ok' | 'warn' | 'fail';
  Detail: string;
  Fix: string;
}

/** The cgroup layout as the kernel shows it, independently of the code under test. */
function expectedCgroupVersion(): string {
  return fs.statfsSync('/sys/fs/cgroup').type === 0x63677270 ? 'v2' : 'v1';
}

describe('tsc-run info (rootless)', () => {
  const u = testUser();
  let sb: Sandbox;
  let info: InfoJson;
  beforeAll(async () => {
    sb = await emptyStore('info');
    const r = await tscRunOk(['info', '--format', 'json'], { sandbox: sb });
    expect(r.stderr).toBe('');
    info = JSON.parse(r.stdout) as InfoJson;
  });
  afterAll(() => disposeStore(sb));

  it('reports podman keys with this host and user', () => {
    expect(Object.keys(info)).toEqual(['host', 'store', 'registries', 'plugins', 'version']);
    expect(info.host.kernel).toBe(os.release());
    expect(info.host.hostname).toBe(os.hostname());
    expect(info.host.cpus).toBeGreaterThan(0);
    expect(info.host.memTotal).toBeGreaterThan(info.host.memFree as number);
    expect(info.host.os).toBe('linux');
    expect(info.host.security.rootless).toBe(true);
    expect(info.host.cgroupVersion).toBe(expectedCgroupVersion());
    expect(typeof info.host.cgroupDelegated).toBe('boolean');
    expect((info.host.distribution as { distribution: string }).distribution).toMatch(/^\w+/);
  });

  it('maps the user to 0 and its subordinate range after it', () => {
    const uidmap = info.host.idMappings.uidmap!;
    expect(uidmap[0]).toEqual({ container_id: 0, host_id: u.uid, size: 1 });
    expect(uidmap[1]!.container_id).toBe(1);
    expect(uidmap[1]!.size).toBeGreaterThanOrEqual(65536);
  });

  it('uses the sandbox roots and names the storage driver and why', () => {
    expect(info.store.graphRoot).toBe(sb.root);
    expect(info.store.runRoot).toBe(sb.runroot);
    expect(['overlay', 'vfs']).toContain(info.store.graphDriverName);
    expect(info.store.graphDriverReason).toMatch(/overlay|vfs/);
    expect(info.store.imageStore.number).toBe(0);
    expect(info.store.containerStore.number).toBe(0);
  });

  it('finds the network backends installed here', () => {
    const pasta = fs.existsSync('/usr/bin/pasta');
    expect(info.host.pasta.executable).toBe(pasta ? '/usr/bin/pasta' : '');
    expect(info.host.slirp4netns.executable).toBe(fs.existsSync('/usr/bin/slirp4netns') ? '/usr/bin/slirp4netns' : '');
    expect(info.host.networkBackend).toBe(pasta ? 'pasta' : fs.existsSync('/usr/bin/slirp4netns') ? 'slirp4netns' : 'none');
  });

  it('caches the overlay probe in the runroot, keyed by kernel', async () => {
    const cacheFile = path.join(sb.runroot, 'host-probes.json');
    const cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { overlay?: { kernel: string; uid: number; ok: boolean } };
    expect(cached.overlay).toMatchObject({ kernel: os.release(), uid: u.uid });
    // The verdict the driver choice used is the cached one.
    expect(cached.overlay!.ok).toBe(/^native overlay works/.test(info.store.graphDriverReason));
    const before = fs.statSync(cacheFile).mtimeMs;
    await tscRunOk(['info', '--format', '{{.Store.GraphDriverName}}'], { sandbox: sb });
    // A warm run neither probes nor rewrites the cache.
    expect(fs.statSync(cacheFile).mtimeMs).toBe(before);
  });

  it('Go templates use the Go field names', async () => {
    const t = async (f: string) => (await tscRunOk(['info', '--format', f], { sandbox: sb })).stdout;
    expect(await t('{{.Store.RunRoot}}')).toBe(`${sb.runroot}\n`);
    expect(await t('{{.Store.GraphRoot}}')).toBe(`${sb.root}\n`);
    expect(await t('{{.Host.Security.Rootless}}')).toBe('true\n');
    expect(await t('{{.Host.Kernel}}')).toBe(`${os.release()}\n`);
    expect(await t('{{.Store.GraphDriverName}}')).toBe(`${info.store.graphDriverName}\n`);
    expect(await t('{{range .Host.IDMappings.UIDMap}}{{.HostID}} {{end}}')).toMatch(new RegExp(`^${u.uid} \\d+ \\n$`));
    const host = JSON.parse(await t('{{json .Host}}')) as Record<string, unknown>;
    expect(host.kernel).toBe(os.release());
    expect(host.Kernel).toBeUndefined();
  });

  it('an unknown template field is a one-line error, exit 125', async () => {
    const r = await tscRun(['info', '--format', '{{.Host.NoSuchField}}'], { sandbox: sb });
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toMatch(/^Error: template: .*NoSuchField.*\n$/);
  });

  it('prints podman-style YAML by default', async () => {
    const r = await tscRunOk(['info'], { sandbox: sb });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^host:\n {2}arch: /);
    expect(r.stdout).toContain(`\n  runRoot: ${sb.runroot}\n`);
    expect(r.stdout).toContain(`\n  graphDriverName: ${info.store.graphDriverName}\n`);
    expect(r.stdout).toContain('\n    rootless: true\n');
    expect(r.stdout).toMatch(/\n {2}Version: \S+\n\n$/);
    // -D is accepted, and `system info` is the same report.
    const sys = await tscRunOk(['system', 'info', '-D'], { sandbox: sb });
    expect(sys.stdout.replace(/uptime: .*|memFree: \d+|[a-z]+Percent: [\d.]+|graphRootUsed: \d+/g, '')).toBe(
      r.stdout.replace(/uptime: .*|memFree: \d+|[a-z]+Percent: [\d.]+|graphRootUsed: \d+/g, ''),
    );
  });

  it('honours --storage-driver, and rejects drivers it does not have', async () => {
    const vfs = JSON.parse((await tscRunOk(['--storage-driver', 'vfs', 'info', '--format', 'json'], { sandbox: sb })).stdout) as InfoJson;
    expect(vfs.store.graphDriverName).toBe('vfs');
    expect(vfs.store.graphDriverReason).toBe('vfs selected by --storage-driver');
    const bad = await tscRun(['--storage-driver', 'btrfs', 'info'], { sandbox: sb });
    expect(bad.exitCode).toBe(125);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^Error: unsupported storage driver "btrfs"/);
  });

  it('reads unqualified-search-registries from the user registries.conf', async () => {
    const conf = path.join(sb.home, '.config', 'containers', 'registries.conf');
    fs.mkdirSync(path.dirname(conf), { recursive: true });
    fs.writeFileSync(conf, 'unqualified-search-registries = ["registry.example:5000", "quay.io"] # ours\n');
    sb.chown(path.join(sb.home, '.config'));
    const r = await tscRunOk(['info', '--format', '{{json .Registries}}'], { sandbox: sb });
    expect(JSON.parse(r.stdout)).toEqual({ search: ['registry.example:5000', 'quay.io'] });
  });
});

describe('tsc-run system doctor (rootless)', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await emptyStore('doctor');
  });
  afterAll(() => disposeStore(sb));

  it('passes for the set-up test user', async () => {
    const r = await tscRun(['system', 'doctor'], { sandbox: sb });
    expect(r.stderr).toBe('');
    expect(r.exitCode, r.stdout).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^All required checks passed/);
    expect(r.stdout).toMatch(/^✓ \/etc\/subuid: /m);
    expect(r.stdout).toMatch(/^✓ newuidmap: /m);
    expect(r.stdout).toMatch(/^[✓!] storage driver: /m);
    expect(r.stdout).toMatch(/^[✓!] cgroup v2 delegation: /m);
    expect(r.stdout).not.toMatch(/^✗/m);
  });

  it('--format json lists {Name, Status, Detail, Fix}', async () => {
    const r = await tscRun(['system', 'doctor', '--format', 'json'], { sandbox: sb });
    expect(r.exitCode).toBe(0);
    const checks = JSON.parse(r.stdout) as Check[];
    for (const c of checks) expect(Object.keys(c)).toEqual(['Name', 'Status', 'Detail', 'Fix']);
    const names = checks.map((c) => c.Name);
    for (const n of ['user namespace', 'newuidmap', 'newgidmap', '/etc/subuid', '/etc/subgid', 'storage driver', 'network backend', '/dev/net/tun', 'cgroup v2 delegation', 'data root']) {
      expect(names).toContain(n);
    }
    const cg = checks.find((c) => c.Name === 'cgroup v2 delegation')!;
    // Delegation is a warning at worst, and says what needs it.
    expect(cg.Status).not.toBe('fail');
    if (cg.Status === 'warn') expect(cg.Detail).toMatch(/--memory, --cpus and --pids-limit/);
  });

  it('a mistyped subcommand is a usage error', async () => {
    const r = await tscRun(['system', 'doctr'], { sandbox: sb });
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toMatch(/^Error: unrecognized command `tsc-run system doctr`/);
  });
});

describe.runIf(isRoot())('info and doctor as root', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await emptyStore('info-root', 'root');
  });
  afterAll(() => disposeStore(sb));

  it('is not rootless and has no id mappings', async () => {
    expect((await tscRunOk(['info', '--format', '{{.Host.Security.Rootless}}'], { sandbox: sb })).stdout).toBe('false\n');
    const info = JSON.parse((await tscRunOk(['info', '--format', 'json'], { sandbox: sb })).stdout) as InfoJson;
    expect(info.host.idMappings.uidmap).toBeNull();
    expect(info.store.runRoot).toBe(sb.runroot);
  });

  it('has every key podman info has', async () => {
    const podman = await runProcess('podman', ['info', '--format', 'json'], { env: { PATH: STD_PATH, HOME: '/root' } });
    expect(podman.exitCode, podman.stderr).toBe(0);
    const theirs = JSON.parse(podman.stdout) as Record<string, Record<string, unknown>>;
    const ours = JSON.parse((await tscRunOk(['info', '--format', 'json'], { sandbox: sb })).stdout) as Record<string, Record<string, unknown>>;
    expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
    for (const section of ['host', 'store', 'version'] as const) {
      const missing = Object.keys(theirs[section]!).filter((k) => !(k in ours[section]!));
      expect(missing, `${section} keys`).toEqual([]);
    }
    const sec = (x: Record<string, unknown>) => Object.keys(x.security as object).sort();
    expect(sec(ours.host!)).toEqual(sec(theirs.host!));
  });

  it('doctor passes', async () => {
    const r = await tscRun(['system', 'doctor'], { sandbox: sb });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^✓ user namespace: running as root/m);
  });
});

describe.runIf(isRoot())('system doctor for a user without subordinate ids', () => {
  // A uid with no passwd entry and so no /etc/subuid or /etc/subgid line:
  // nothing on the host has to be created or cleaned up for it.
  const uid = 61_234;
  let home: string;
  beforeAll(() => {
    for (const f of ['/etc/subuid', '/etc/subgid']) {
      const owners = fs.readFileSync(f, 'utf8').split('\n').map((l) => l.split(':')[0]);
      if (owners.includes(String(uid))) throw new Error(`${f} has an entry for ${uid}; pick another uid for this test`);
    }
    home = fs.mkdtempSync(path.join(sandboxBase(), 'tsc-run-nosub-'));
    fs.chownSync(home, uid, uid);
    fs.chmodSync(home, 0o700);
  });
  afterAll(() => {
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  const doctor = (args: string[]) =>
    runProcess('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '--', cliBinary().bin, 'system', 'doctor', ...args], {
      env: { PATH: STD_PATH, HOME: home, XDG_CACHE_HOME: path.join(home, 'cache'), LANG: 'C.UTF-8' },
      cwd: '/',
    });

  it('fails with exit 125 and prints the usermod that fixes it', async () => {
    const r = await doctor([]);
    expect(r.stderr).toBe('');
    expect(r.exitCode, r.stdout).toBe(125);
    expect(r.stdout).toMatch(/^✗ \/etc\/subuid: no range for 61234$/m);
    expect(r.stdout).toMatch(/^ {4}fix: sudo usermod --add-subuids \d+-\d+ --add-subgids \d+-\d+ 61234$/m);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^2 required checks failed/);
  });

  it('proposes a range no other user holds', async () => {
    const checks = JSON.parse((await doctor(['--format', 'json'])).stdout) as Check[];
    const fix = checks.find((c) => c.Name === '/etc/subuid')!.Fix;
    const [, start, end] = /--add-subuids (\d+)-(\d+)/.exec(fix)!.map(Number);
    for (const f of ['/etc/subuid', '/etc/subgid']) {
      for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
        const [, s, c] = line.split(':').map(Number);
        if (!line || Number.isNaN(s)) continue;
        expect(start! > s! + c! - 1 || end! < s!, `${fix} overlaps ${f}: ${line}`).toBe(true);
      }
    }
  });
});
