import { describe, expect, it } from 'vitest';
import { inheritFromPod } from '../../../src/pod/pod-inherit.js';
import { podNamespace } from '../../../src/pod/pod-flags.js';
import type { PodRecord } from '../../../src/pod/pod-store.js';
import { podRecord } from './fixtures.js';

const base = podRecord({ infraId: 'b'.repeat(64) });

describe('what a member takes from its pod (podman InfraInherit)', () => {
  it('devices, security options and shm size, the member\'s own after (and over) them', () => {
    const pod: PodRecord = { ...base, devices: ['/dev/fuse', '/dev/null:/dev/x:rw'], securityOpt: ['seccomp=unconfined'], shmSize: '10m' };
    const got = inheritFromPod(pod, { device: ['/dev/zero:/dev/x'], securityOpt: ['seccomp=/p.json'] });
    expect(got.device).toEqual(['/dev/fuse', '/dev/zero:/dev/x']);
    expect(got.securityOpt).toEqual(['seccomp=unconfined', 'seccomp=/p.json']);
    expect(got.shmSize).toBe('10m');
    // The pod's /dev/shm is shared with members in its ipc namespace: a size of their own only with an ipc namespace of their own.
    expect(() => inheritFromPod(pod, { shmSize: '1m' })).toThrow('--shm-size: the container shares the /dev/shm of its pod (which shares ipc): give the size to pod create --shm-size');
    expect(inheritFromPod(pod, { shmSize: '1m', ipc: 'private' }).shmSize).toBe('1m');
    expect(inheritFromPod(pod, { ipc: 'private' }).shmSize).toBe('10m');
    expect(inheritFromPod(pod, { ipc: 'none' }).shmSize).toBeUndefined();
    expect(inheritFromPod({ ...pod, share: ['net', 'uts'] }, { shmSize: '1m' }).shmSize).toBe('1m');
    expect(inheritFromPod(base, {})).toEqual({ device: [], securityOpt: [], netJoin: ['ipc', 'uts'], joinsUts: true });
  });

  it('a pod sharing namespaces but not its network: each joined as container:INFRA, the member\'s own flag wins', () => {
    const infra = `container:${base.infraId!}`;
    const got = inheritFromPod({ ...base, share: ['ipc', 'pid', 'uts'] }, { pid: 'private' });
    expect([got.netJoin, got.ipc, got.uts, got.pid, got.joinsUts]).toEqual([[], infra, infra, 'private', true]);
    const ipcOnly = inheritFromPod({ ...base, share: ['ipc'] }, {});
    expect([ipcOnly.ipc, ipcOnly.uts, ipcOnly.joinsUts]).toEqual([infra, undefined, false]);
    expect(inheritFromPod({ ...base, share: [], infraId: undefined }, {}).ipc).toBeUndefined();
  });

  it('namespaces: joined, the host\'s where the pod has the host\'s, the member\'s own flag wins', () => {
    const pidPod: PodRecord = { ...base, share: ['ipc', 'net', 'pid', 'uts'] };
    expect(inheritFromPod(pidPod, {}).netJoin).toEqual(['ipc', 'pid', 'uts']);
    const hostPid = inheritFromPod({ ...pidPod, namespaces: { pid: 'host' } }, {});
    expect([hostPid.netJoin, hostPid.pid]).toEqual([['ipc', 'uts'], 'host']);
    // Not shared: the pod's host pid namespace is the infra's alone.
    expect(inheritFromPod({ ...base, namespaces: { pid: 'host' } }, {}).pid).toBeUndefined();
    const hostUts = inheritFromPod({ ...base, namespaces: { uts: 'host' } }, {});
    expect([hostUts.netJoin, hostUts.uts, hostUts.joinsUts]).toEqual([['ipc'], 'host', false]);
    const own = inheritFromPod(pidPod, { pid: 'private', uts: 'host', ipc: 'host' });
    expect([own.netJoin, own.pid, own.uts]).toEqual([[], 'private', 'host']);
    // No infra or no shared network: nothing is joined.
    expect(inheritFromPod({ ...base, infraId: undefined }, {}).netJoin).toEqual([]);
  });

  it('--share cgroup keeps the members in the pod\'s cgroup namespace', () => {
    const pod: PodRecord = { ...base, share: ['cgroup'] };
    expect(inheritFromPod(pod, {}).netJoin).toEqual([]);
    expect(inheritFromPod(pod, { cgroupns: 'host' }).netJoin).toEqual([]);
    expect(() => inheritFromPod(pod, { cgroupns: 'private' })).toThrow(/shares its cgroup namespace/);
  });

  it('pod --pid/--uts values', () => {
    expect(podNamespace('pid', undefined)).toBeUndefined();
    expect(podNamespace('pid', 'host')).toBe('host');
    expect(podNamespace('uts', 'private')).toBe('private');
    expect(() => podNamespace('pid', 'container:x')).toThrow(/cannot join another container's/);
    expect(() => podNamespace('uts', 'bogus')).toThrow('unrecognized namespace mode bogus passed');
  });
});
