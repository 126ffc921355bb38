import { describe, expect, it } from 'vitest';
import { namespaceJoinArgs, parseJoinValue, planNamespaceJoins, usernsOwner } from '../../../src/runtime/container/namespace-joins.js';
import type { ContainerRecord } from '../../../src/storage/containers.js';

function rec(id: string, name: string, config: Partial<ContainerRecord['config']> = {}): ContainerRecord {
  return { id, name, config: { network: 'pasta', hostname: `${name}host`, ...config } } as unknown as ContainerRecord;
}

const a = rec('a'.repeat(64), 'a');
const b = rec('b'.repeat(64), 'b');
const viaA = rec('c'.repeat(64), 'c', { network: `container:${a.id}` });
const all = [a, b, viaA];
const deps = (rootless = true) => ({
  rootless,
  lookup: (n: string) => {
    const r = all.find((x) => x.name === n || x.id === n);
    return r ? Promise.resolve(r) : Promise.reject(new Error(`no container with name or ID "${n}" found: no such container`));
  },
  get: (id: string) => Promise.resolve(all.find((x) => x.id === id)),
});

describe('namespace joins', () => {
  it('parses container: and ns: with podman\'s messages', () => {
    expect(parseJoinValue('container:x')).toEqual({ kind: 'container', nameOrId: 'x' });
    expect(parseJoinValue('ns:/p')).toEqual({ kind: 'path', path: '/p' });
    expect(parseJoinValue('host')).toEqual({ kind: 'mode', mode: 'host' });
    expect(() => parseJoinValue('container:')).toThrow('invalid config provided: namespace mode container requires a value');
    expect(() => parseJoinValue('ns:')).toThrow('invalid config provided: namespace mode path requires a value');
  });

  it('follows joined containers to the user namespace they live in', async () => {
    expect(await usernsOwner(viaA, deps())).toBe(a.id);
    expect(await usernsOwner(a, deps())).toBe(a.id);
    expect(await usernsOwner(a, deps(false))).toBe('host');
    expect(await usernsOwner(rec('d', 'd', { network: 'bridge' }), deps())).toBe('bridge');
  });

  it('plans joins as dependencies, refuses two user namespaces and own maps', async () => {
    const p = await planNamespaceJoins({ pid: { kind: 'container', nameOrId: 'a' }, uts: { kind: 'container', nameOrId: 'c' } }, {}, deps());
    expect(p.namespaces).toEqual({ pid: `container:${a.id}`, uts: `container:${viaA.id}` });
    expect(p.requires).toEqual([a.id, viaA.id]);
    expect(p.hostname).toBe('chost');
    await expect(planNamespaceJoins({ pid: { kind: 'container', nameOrId: 'a' }, ipc: { kind: 'container', nameOrId: 'b' } }, {}, deps())).rejects.toThrow(
      /--pid container:a and --ipc container:b: the two live in different user namespaces/,
    );
    // As root without user namespaces both are the host's.
    await expect(planNamespaceJoins({ pid: { kind: 'container', nameOrId: 'a' }, ipc: { kind: 'container', nameOrId: 'b' } }, {}, deps(false))).resolves.toBeTruthy();
    await expect(planNamespaceJoins({ pid: { kind: 'container', nameOrId: 'a' } }, { ownMaps: '--userns' }, deps())).rejects.toThrow('--userns and --pid container:a cannot be used together');
    await expect(planNamespaceJoins({ pid: { kind: 'container', nameOrId: 'a' } }, { networkOwner: 'bridge', networkLabel: '--network bridge' }, deps())).rejects.toThrow(/--network bridge and --pid container:a/);
    await expect(planNamespaceJoins({ pid: { kind: 'container', nameOrId: 'x' } }, {}, deps())).rejects.toThrow('looking up container to share pid namespace with: no container with name or ID "x" found');
  });

  it('--ipc container: shares the donor\'s /dev/shm: no --shm-size of its own unless the donor has none', async () => {
    await expect(planNamespaceJoins({ ipc: { kind: 'container', nameOrId: 'a' } }, { shmSize: '1m' }, deps())).rejects.toThrow(
      '--shm-size and --ipc container:a cannot be used together: the container shares the /dev/shm of a',
    );
    const none = rec('f'.repeat(64), 'f', { namespaces: { ipc: 'none' } });
    all.push(none);
    try {
      expect((await planNamespaceJoins({ ipc: { kind: 'container', nameOrId: 'f' } }, { shmSize: '1m' }, deps())).namespaces).toEqual({ ipc: `container:${none.id}` });
    } finally {
      all.pop();
    }
    const c = rec('e', 'e', { namespaces: { ipc: `container:${a.id}` } });
    const live = (id: string) => Promise.resolve(id === a.id ? { record: a, pid: 42, startTime: 7 } : undefined);
    expect(await namespaceJoinArgs(c, live, true)).toEqual({ args: ['--ns-join', 'ipc=container:42:7', '--shm-join', 'container:42:7'], joins: true });
  });

  it('gives the helper the live process, or the host mode for a host namespace', async () => {
    const c = rec('e', 'e', { namespaces: { pid: `container:${a.id}`, cgroupns: `container:${a.id}`, ipc: 'ns:/x' } });
    const live = (id: string) => Promise.resolve(id === a.id ? { record: a, pid: 42, startTime: 7 } : undefined);
    expect(await namespaceJoinArgs(c, live, true)).toEqual({ args: ['--ns-join', 'pid=container:42:7', '--ns-join', 'ipc=path:/x'], joins: true });
    const stopped = (id: string) => Promise.resolve(id === a.id ? { record: a } : undefined);
    await expect(namespaceJoinArgs(c, stopped, true)).rejects.toThrow('container a is not running: e joins its pid namespace (--pid container:a)');
  });
});
