import { describe, expect, it } from 'vitest';
import type { HostFacts as PreflightFacts } from '../../../src/host/preflight.js';
import {
  cgroupCheck,
  dataRootCheck,
  doctorPassed,
  freeSubIdRange,
  hostChecks,
  networkChecks,
  renderDoctor,
  runtimeDirChecks,
  storageCheck,
  usernsChecks,
  type DoctorFacts,
} from '../../../src/host/doctor-checks.js';
import type { CgroupFacts } from '../../../src/host/cgroup-probe.js';

const tool = (path: string) => ({ path, setuid: true, fileCaps: undefined });
const goodUser: PreflightFacts = {
  euid: 1001,
  user: 'alice',
  initialUserNs: true,
  usernsConfigured: false,
  maxUserNamespaces: 96365,
  unprivilegedUsernsClone: undefined,
  apparmorRestrictsUserns: undefined,
  newuidmap: tool('/usr/bin/newuidmap'),
  newgidmap: tool('/usr/bin/newgidmap'),
  subuid: [{ start: 100000, count: 65536 }],
  subgid: [{ start: 100000, count: 65536 }],
};

const byName = (checks: ReturnType<typeof usernsChecks>) => Object.fromEntries(checks.map((c) => [c.Name, c]));

describe('usernsChecks', () => {
  it('all ok for a set-up user; sysctls the kernel lacks are not listed', () => {
    const c = usernsChecks(goodUser);
    expect(c.every((x) => x.Status === 'ok')).toBe(true);
    expect(c.map((x) => x.Name)).toEqual(['user namespace', 'user.max_user_namespaces', 'newuidmap', 'newgidmap', '/etc/subuid', '/etc/subgid']);
  });

  it('missing subordinate ranges fail with a usermod that picks a range nobody holds', () => {
    const taken = [
      { owner: 'tsctest', start: 100000, count: 65536 },
      { owner: 'bob', start: 165536, count: 65536 },
    ];
    const c = byName(usernsChecks({ ...goodUser, subuid: [], subgid: [] }, taken));
    expect(c['/etc/subuid']).toMatchObject({ Status: 'fail', Fix: 'sudo usermod --add-subuids 231072-296607 --add-subgids 231072-296607 alice' });
    expect(c['/etc/subgid']!.Status).toBe('fail');
    expect(usernsChecks({ ...goodUser, subuid: [] }).find((x) => x.Name === '/etc/subuid')!.Fix).toBe(
      'sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 alice',
    );
  });

  it('a small range is a warning', () => {
    const c = byName(usernsChecks({ ...goodUser, subuid: [{ start: 100000, count: 1000 }] }));
    expect(c['/etc/subuid']!.Status).toBe('warn');
  });

  it('newuidmap missing or powerless, sysctls off', () => {
    const c = byName(
      usernsChecks({
        ...goodUser,
        newuidmap: undefined,
        newgidmap: { path: '/usr/bin/newgidmap', setuid: false, fileCaps: false },
        maxUserNamespaces: 0,
        unprivilegedUsernsClone: 0,
        apparmorRestrictsUserns: 1,
      }),
    );
    expect(c.newuidmap).toMatchObject({ Status: 'fail', Fix: 'sudo apt-get install uidmap' });
    expect(c.newgidmap).toMatchObject({ Status: 'fail', Fix: 'sudo chmod u+s /usr/bin/newgidmap' });
    expect(c['user.max_user_namespaces']).toMatchObject({ Status: 'fail', Fix: 'sudo sysctl -w user.max_user_namespaces=15000' });
    expect(c['kernel.unprivileged_userns_clone']).toMatchObject({ Status: 'fail', Fix: 'sudo sysctl -w kernel.unprivileged_userns_clone=1' });
    expect(c['kernel.apparmor_restrict_unprivileged_userns']!.Status).toBe('fail');
  });

  it('file capabilities count as much as setuid', () => {
    const c = byName(usernsChecks({ ...goodUser, newuidmap: { path: '/usr/bin/newuidmap', setuid: false, fileCaps: true } }));
    expect(c.newuidmap!.Status).toBe('ok');
  });

  it('nested in a foreign user namespace fails; inside unshare is fine; root needs none of it', () => {
    expect(usernsChecks({ ...goodUser, initialUserNs: false })[0]!.Status).toBe('fail');
    expect(usernsChecks({ ...goodUser, initialUserNs: false, usernsConfigured: true })[0]!.Status).toBe('ok');
    const root = usernsChecks({ ...goodUser, euid: 0, subuid: [], subgid: [], newuidmap: undefined });
    expect(root).toHaveLength(1);
    expect(root[0]!.Status).toBe('ok');
  });

  it('freeSubIdRange skips every overlapping block', () => {
    expect(freeSubIdRange([])).toEqual({ start: 100000, end: 165535 });
    expect(freeSubIdRange([{ owner: 'x', start: 150000, count: 10 }])).toEqual({ start: 150010, end: 215545 });
  });
});

const hybrid: CgroupFacts = {
  layout: 'hybrid',
  version: 'v1',
  controllers: [],
  delegation: { delegated: false, controllers: [], detail: 'hybrid: no writable subtree' },
};
const network = {
  pasta: { executable: '/usr/bin/pasta', package: '', version: '' },
  defaultNetwork: 'pasta' as const,
  devNetTunRW: true,
};
const dir = (path: string) => ({ path, stat: { isDir: true, uid: 1001, mode: 0o40700, writable: true } });
const facts: DoctorFacts = {
  user: 'alice',
  uid: 1001,
  storage: { choice: { driver: 'overlay', reason: 'native overlay works in a user namespace (kernel 6.18)' } },
  network,
  cgroup: hybrid,
  xdgRuntimeDir: dir('/run/user/1001'),
  logind: true,
  runRoot: dir('/run/user/1001/tsc-run'),
  dataRoot: dir('/home/alice/.local/share/tsc-run'),
};

describe('host checks', () => {
  it('a good host passes with the cgroup warning only', () => {
    const c = hostChecks(facts);
    expect(c.filter((x) => x.Status !== 'ok').map((x) => x.Name)).toEqual(['cgroup v2 delegation']);
    expect(doctorPassed(c)).toBe(true);
  });

  it('storage: fallback to vfs warns, an impossible explicit driver fails', () => {
    expect(storageCheck({ choice: { driver: 'vfs', reason: 'no overlay', fix: 'sudo chmod 0666 /dev/fuse' } })).toMatchObject({
      Status: 'warn',
      Fix: 'sudo chmod 0666 /dev/fuse',
    });
    expect(storageCheck({ choice: { driver: 'vfs', reason: 'vfs selected by --storage-driver' } }).Status).toBe('ok');
    expect(
      storageCheck({ choice: { driver: 'overlay', reason: 'r', problem: { message: 'cannot work', fix: 'sudo apt-get install fuse-overlayfs' } } }),
    ).toMatchObject({ Status: 'fail', Fix: 'sudo apt-get install fuse-overlayfs' });
    expect(storageCheck({ error: 'unsupported storage driver "zfs"' }).Status).toBe('fail');
    expect(storageCheck({ choice: { driver: 'overlay', mountProgram: '/usr/bin/fuse-overlayfs', reason: 'x' } }).Detail).toMatch(/^overlay via \/usr\/bin\/fuse-overlayfs/);
  });

  it('network: no backend and no tun both fail with their fix', () => {
    const [backend, tun] = networkChecks({ defaultNetwork: 'none', devNetTunRW: false });
    expect(backend).toMatchObject({ Status: 'fail', Fix: 'sudo apt-get install passt' });
    expect(tun).toMatchObject({ Status: 'fail', Fix: 'sudo chmod 0666 /dev/net/tun' });
    expect(networkChecks({ ...network, slirp4netns: { executable: '/usr/bin/slirp4netns', package: '', version: '' } })[0]!.Detail).toMatch(
      /pasta .*slirp4netns .*default: pasta/,
    );
  });

  it('cgroup: warnings only, with the fix for the layout', () => {
    expect(cgroupCheck(hybrid, 1001)).toMatchObject({ Status: 'warn' });
    expect(cgroupCheck(hybrid, 1001).Fix).toMatch(/unified_cgroup_hierarchy=1/);
    expect(cgroupCheck(hybrid, 1001).Detail).toMatch(/--memory, --cpus and --pids-limit/);
    const v2 = { ...hybrid, layout: 'unified' as const, version: 'v2' as const };
    expect(cgroupCheck(v2, 1001).Fix).toMatch(/Delegate=/);
    const ok = { ...v2, delegation: { delegated: true, controllers: ['memory'], detail: 'delegated' } };
    expect(cgroupCheck(ok, 1001).Status).toBe('ok');
  });

  it('runtime dir: unset warns, foreign or missing fails, root skips XDG', () => {
    const { xdgRuntimeDir: _unused, ...noXdg } = facts;
    expect(runtimeDirChecks(noXdg)[0]).toMatchObject({ Name: 'XDG_RUNTIME_DIR', Status: 'warn' });
    const foreign = { ...facts, xdgRuntimeDir: { path: '/run/user/0', stat: { isDir: true, uid: 0, mode: 0o40700, writable: false } } };
    expect(runtimeDirChecks(foreign)[0]).toMatchObject({ Status: 'fail', Fix: 'sudo chown -R alice /run/user/0' });
    const missing = { ...facts, xdgRuntimeDir: { path: '/run/user/1001', ancestor: { path: '/run/user', writable: false } } };
    expect(runtimeDirChecks(missing)[0]!.Status).toBe('fail');
    const open = { ...facts, xdgRuntimeDir: { path: '/x', stat: { isDir: true, uid: 1001, mode: 0o40777, writable: true } } };
    expect(runtimeDirChecks(open)[0]!.Status).toBe('warn');
    expect(runtimeDirChecks({ ...facts, uid: 0 }).map((c) => c.Name)).toEqual(['runtime root']);
  });

  it('data root: not writable, or not creatable, fails with a fix', () => {
    const ro = { ...facts, dataRoot: { path: '/srv/x', stat: { isDir: true, uid: 0, mode: 0o40755, writable: false } } };
    expect(dataRootCheck(ro)).toMatchObject({ Status: 'fail', Fix: 'sudo chown -R alice /srv/x' });
    const cannotCreate = { ...facts, dataRoot: { path: '/srv/x', ancestor: { path: '/srv', writable: false } } };
    expect(dataRootCheck(cannotCreate)).toMatchObject({ Status: 'fail', Fix: 'sudo install -d -o alice -m 0700 /srv/x' });
    const creatable = { ...facts, dataRoot: { path: '/home/alice/x', ancestor: { path: '/home/alice', writable: true } } };
    expect(dataRootCheck(creatable).Status).toBe('ok');
  });
});

describe('renderDoctor', () => {
  it('marks, fixes under failures, and a verdict last', () => {
    const text = renderDoctor([
      { Name: 'a', Status: 'ok', Detail: 'fine', Fix: '' },
      { Name: 'b', Status: 'warn', Detail: 'meh', Fix: 'do b' },
      { Name: 'c', Status: 'fail', Detail: 'broken', Fix: 'do c' },
    ]);
    expect(text).toBe('✓ a: fine\n! b: meh\n    fix: do b\n✗ c: broken\n    fix: do c\n\n1 required check failed (1 warning): tsc-run cannot run containers here until fixed\n');
    expect(renderDoctor([{ Name: 'a', Status: 'ok', Detail: 'fine', Fix: '' }]).trim().split('\n').pop()).toBe(
      'All required checks passed: tsc-run can run containers here',
    );
  });
});
