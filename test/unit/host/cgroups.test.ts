import { describe, expect, it } from 'vitest';
import {
  CGROUP2_SUPER_MAGIC,
  cgroupLayoutOf,
  cgroupVersionOf,
  delegationOf,
  parseControllerList,
  parseProcCgroup,
  parseV1Controllers,
  unifiedPathOf,
} from '../../../src/host/cgroups.js';

const HYBRID = `9:name=systemd:/
8:pids:/
4:memory:/process_api/73c8
2:cpuacct:/
1:cpu:/
0::/
`;

const PROC_CGROUPS = `#subsys_name\thierarchy\tnum_cgroups\tenabled
cpuset\t3\t1\t1
cpu\t1\t1\t1
memory\t4\t22\t1
net_cls\t0\t1\t1
pids\t8\t1\t1
rdma\t9\t1\t0
`;

const TMPFS = 0x01021994;

describe('cgroups', () => {
  it('parses /proc/self/cgroup on a hybrid host', () => {
    const m = parseProcCgroup(HYBRID);
    expect(m).toHaveLength(6);
    expect(m[0]).toEqual({ hierarchyId: 9, controllers: ['name=systemd'], path: '/' });
    expect(m[2]).toEqual({ hierarchyId: 4, controllers: ['memory'], path: '/process_api/73c8' });
    expect(unifiedPathOf(m)).toBe('/');
  });
  it('finds the unified path on a v2 host and none on pure v1', () => {
    expect(unifiedPathOf(parseProcCgroup('0::/user.slice/user-1000.slice/session-2.scope\n'))).toBe(
      '/user.slice/user-1000.slice/session-2.scope',
    );
    expect(unifiedPathOf(parseProcCgroup('1:cpu:/\n2:memory:/\n'))).toBeUndefined();
  });
  it('lists enabled, mounted v1 controllers in /proc/cgroups order', () => {
    expect(parseV1Controllers(PROC_CGROUPS)).toEqual(['cpuset', 'cpu', 'memory', 'pids']);
    expect(parseControllerList('cpu io memory pids\n')).toEqual(['cpu', 'io', 'memory', 'pids']);
    expect(parseControllerList('\n')).toEqual([]);
  });
  it('tells unified, hybrid and legacy layouts apart from statfs types', () => {
    expect(cgroupLayoutOf(CGROUP2_SUPER_MAGIC, undefined)).toBe('unified');
    expect(cgroupLayoutOf(TMPFS, CGROUP2_SUPER_MAGIC)).toBe('hybrid');
    expect(cgroupLayoutOf(TMPFS, undefined)).toBe('legacy');
    expect(cgroupVersionOf('unified')).toBe('v2');
    expect(cgroupVersionOf('hybrid')).toBe('v1');
    expect(cgroupVersionOf('legacy')).toBe('v1');
  });
  it('delegated only when a writable subtree has controllers', () => {
    const svc = '/user.slice/user-1000.slice/user@1000.service';
    const yes = delegationOf('unified', [
      { path: '/user.slice/user-1000.slice/session-2.scope', controllers: ['memory'], writable: false },
      { path: svc, controllers: ['cpu', 'memory', 'pids'], writable: true },
    ]);
    expect(yes).toMatchObject({ delegated: true, path: svc, controllers: ['cpu', 'memory', 'pids'] });
    const hybrid = delegationOf('hybrid', [{ path: '/', controllers: [], writable: false }]);
    expect(hybrid.delegated).toBe(false);
    expect(hybrid.detail).toMatch(/hybrid/);
    const noCtl = delegationOf('unified', [{ path: svc, controllers: [], writable: true }]);
    expect(noCtl.delegated).toBe(false);
    expect(noCtl.detail).toMatch(/none of the memory\/cpu\/pids/);
    const onlyHugetlb = delegationOf('hybrid', [{ path: '/', controllers: ['hugetlb'], writable: true }]);
    expect(onlyHugetlb.delegated).toBe(false);
    expect(onlyHugetlb.detail).toMatch(/only: hugetlb/);
    expect(delegationOf('legacy', []).delegated).toBe(false);
  });
});
