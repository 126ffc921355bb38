import { describe, expect, it } from 'vitest';
import { composeMaps, inspectIdMappings, keepIdFuseMapping, keepIdInner, parseIdMapFlag, planUserns } from '../../../src/runtime/userns/userns-options.js';

const defaults = {
  uid: [
    { container: 0, host: 1000, count: 1 },
    { container: 1, host: 100000, count: 65536 },
  ],
  gid: [
    { container: 0, host: 1000, count: 1 },
    { container: 1, host: 100000, count: 65536 },
  ],
};

describe('user namespace options', () => {
  it('parses --uidmap', () => {
    expect(parseIdMapFlag('0:1:100', '--uidmap')).toEqual({ container: 0, host: 1, count: 100 });
    expect(() => parseIdMapFlag('0:1', '--uidmap')).toThrow(/CONTAINER:HOST:SIZE/);
    expect(() => parseIdMapFlag('0:1:0', '--uidmap')).toThrow(/CONTAINER:HOST:SIZE/);
  });

  it('composes maps across the default map, splitting where its ranges split', () => {
    expect(composeMaps([{ container: 0, host: 0, count: 3 }], defaults.uid, '--uidmap')).toEqual([
      { container: 0, host: 1000, count: 1 },
      { container: 1, host: 100000, count: 2 },
    ]);
    expect(() => composeMaps([{ container: 0, host: 65536, count: 2 }], defaults.uid, '--uidmap')).toThrow(/id 65537 is not mapped/);
  });

  it('keep-id puts the user at its own id', () => {
    expect(keepIdInner(1000, 65537)).toEqual([
      { container: 0, host: 1, count: 1000 },
      { container: 1000, host: 0, count: 1 },
      { container: 1001, host: 1001, count: 64536 },
    ]);
    const plan = planUserns({ mode: 'keep-id', uidmap: [], gidmap: [] }, defaults, { uid: 1000, gid: 1000 });
    expect(plan.defaultUser).toBe('1000:1000');
    expect(plan.maps!.uid).toEqual([
      { container: 0, host: 100000, count: 1000 },
      { container: 1000, host: 1000, count: 1 },
      { container: 1001, host: 101000, count: 64536 },
    ]);
  });

  it('default and host leave the default map', () => {
    expect(planUserns({ mode: '', uidmap: [], gidmap: [] }, defaults, { uid: 1000, gid: 1000 })).toEqual({});
    expect(planUserns({ mode: 'host', uidmap: [], gidmap: [] }, defaults, { uid: 1000, gid: 1000 })).toEqual({});
  });

  it('uses one of --uidmap/--gidmap for both when only one is given; root takes them as host ids', () => {
    const p = planUserns({ mode: '', uidmap: ['0:1:10', '10:0:1'], gidmap: [] }, defaults, { uid: 1000, gid: 1000 });
    expect(p.maps!.gid).toEqual([
      { container: 0, host: 100000, count: 10 },
      { container: 10, host: 1000, count: 1 },
    ]);
    expect(planUserns({ mode: '', uidmap: ['0:0:1', '1:5000:10'], gidmap: [] }, undefined, { uid: 0, gid: 0 }).maps!.uid).toEqual([
      { container: 0, host: 0, count: 1 },
      { container: 1, host: 5000, count: 10 },
    ]);
  });

  it('refuses what it cannot do', () => {
    expect(() => planUserns({ mode: 'keep-id', uidmap: [], gidmap: [] }, undefined, { uid: 0, gid: 0 })).toThrow(/only supported in rootless mode/);
    expect(() => planUserns({ mode: 'auto', uidmap: [], gidmap: [] }, defaults, { uid: 1000, gid: 1000 })).toThrow(/not supported/);
    expect(() => planUserns({ mode: 'keep-id', uidmap: ['0:1:1'], gidmap: [] }, defaults, { uid: 1000, gid: 1000 })).toThrow(/cannot be used together/);
    expect(() => planUserns({ mode: '', uidmap: ['0:1:100'], gidmap: [] }, defaults, { uid: 1000, gid: 1000 })).toThrow(/--uidmap must map host id 0 \(your own id\)/);
  });
});

describe('keepIdFuseMapping', () => {
  it('gives the maps in the ids of the user\'s own namespace too, for a container nested in a bridge holder\'s', () => {
    const keep = planUserns({ mode: 'keep-id', uidmap: [], gidmap: [] }, defaults, { uid: 1000, gid: 1000 });
    expect(keep.nested?.uid).toEqual([
      { container: 0, host: 1, count: 1000 },
      { container: 1000, host: 0, count: 1 },
      { container: 1001, host: 1001, count: 64536 },
    ]);
    // Composed with the holder's (default) map, they are the maps a pasta container gets.
    expect(composeMaps(keep.nested!.uid, defaults.uid, 'x')).toEqual(keep.maps!.uid);
    const given = planUserns({ mode: '', uidmap: ['0:1:100', '100:0:1'], gidmap: [] }, defaults, { uid: 1000, gid: 1000 });
    expect(given.nested).toEqual({ uid: [{ container: 0, host: 1, count: 100 }, { container: 100, host: 0, count: 1 }], gid: [{ container: 0, host: 1, count: 100 }, { container: 100, host: 0, count: 1 }] });
    expect(planUserns({ mode: '', uidmap: ['0:0:10'], gidmap: [] }, undefined, { uid: 0, gid: 0 }).nested).toBeUndefined();
  });

  it("inspect's IDMappings as podman 4.3 shows them (rootless: the user's own namespace's ids)", () => {
    expect(inspectIdMappings({ mode: 'keep-id', uidmap: [], gidmap: [] }, defaults, { uid: 1000, gid: 1000 })).toEqual({
      UidMap: ['0:1:1000', '1000:0:1', '1001:1001:64536'],
      GidMap: ['0:1:1000', '1000:0:1', '1001:1001:64536'],
    });
    // One of the two alone is used for both, as podman.
    expect(inspectIdMappings({ mode: '', uidmap: ['0:1:100', '100:0:1'], gidmap: [] }, defaults, { uid: 1000, gid: 1000 })).toEqual({ UidMap: ['0:1:100', '100:0:1'], GidMap: ['0:1:100', '100:0:1'] });
    expect(inspectIdMappings({ mode: '', uidmap: ['0:0:1', '1:200000:10'], gidmap: [] }, undefined, { uid: 0, gid: 0 })).toEqual({ UidMap: ['0:0:1', '1:200000:10'], GidMap: ['0:0:1', '1:200000:10'] });
    expect(inspectIdMappings({ mode: 'host', uidmap: [], gidmap: [] }, defaults, { uid: 1000, gid: 1000 })).toBeUndefined();
    expect(inspectIdMappings({ mode: '', uidmap: [], gidmap: [] }, defaults, { uid: 1000, gid: 1000 })).toBeUndefined();
  });

  it("undoes keep-id's shift for the files fuse-overlayfs serves: our 0 (seen as the id) shows 0, 1..id (seen 0..id-1) show 1..id", () => {
    // 65537 ids in our namespace; the user is 1000 on the host.
    expect(keepIdFuseMapping({ uid: 1000, gid: 1001 }, defaults)).toBe('uidmapping=1000:0:1:0:1:1000:1001:1001:64536,gidmapping=1001:0:1:0:1:1001:1002:1002:64535');
    // Composed with keep-id's own map, every shown id lands on the stored id it has by default.
    const inner = keepIdInner(1000, 65537);
    const seen = (stored: number) => {
      const m = inner.find((r) => stored >= r.host && stored < r.host + r.count)!;
      return m.container + (stored - m.host);
    };
    const parts = keepIdFuseMapping({ uid: 1000, gid: 1000 }, defaults).split(',')[0]!.slice('uidmapping='.length).split(':').map(Number);
    const shown = (s: number) => {
      for (let i = 0; i < parts.length; i += 3) if (s >= parts[i]! && s < parts[i]! + parts[i + 2]!) return parts[i + 1]! + (s - parts[i]!);
      return -1;
    };
    for (const stored of [0, 1, 999, 1000, 1001, 65536]) expect(shown(seen(stored))).toBe(stored);
  });
});
