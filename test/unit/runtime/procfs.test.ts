import { describe, expect, it } from 'vitest';
import { goDuration } from '../../../src/runtime/procfs/go-duration.js';
import { insideId, parseBootTime, parseIdMap, parseIo, parseMemTotal, parseNetDev, parseStatFields, parseStatus, ttyName } from '../../../src/runtime/procfs/proc-files.js';

describe('/proc parsers', () => {
  it('status: ids, NSpid, RSS, threads, caps, seccomp', () => {
    const s = parseStatus(
      'Name:\tsleep\nState:\tT (stopped)\nPPid:\t9521\nUid:\t1001\t1001\t1001\t1001\nGid:\t100999\t100999\t100999\t100999\nGroups:\t1001 100000 \nNSpid:\t9522\t1\nVmRSS:\t    1380 kB\nThreads:\t3\nCapInh:\t0000000000000000\nCapEff:\t00000000800405fb\nCapBnd:\t00000000800405fb\nSeccomp:\t2\n',
    );
    expect(s).toMatchObject({ name: 'sleep', state: 'T', stateText: 'T (stopped)', ppid: 9521, uids: [1001, 1001, 1001, 1001], gids: [100999, 100999, 100999, 100999] });
    expect(s).toMatchObject({ groups: [1001, 100000], nspid: [9522, 1], rss: 1380 * 1024, threads: 3, seccomp: 2 });
    expect(s.caps).toMatchObject({ eff: '00000000800405fb', bnd: '00000000800405fb', inh: '0000000000000000' });
  });
  it('stat: fields counted after the last parenthesis (comm may hold spaces and parentheses)', () => {
    const f = parseStatFields('42 (a (b) c) S 1 42 42 34816 -1 4194560 10 0 0 0 7 3 5 6 20 0 1 0 556932 2322432 324 18446744073709551615');
    expect(f).toEqual({ pid: 42, comm: 'a (b) c', state: 'S', ppid: 1, pgrp: 42, ttyNr: 34816, utime: 7, stime: 3, cutime: 5, cstime: 6, startTime: 556932, nice: 0, vsize: 2322432 });
  });
  it('id maps: an id of ours is found inside; unmapped is undefined', () => {
    const m = parseIdMap('         0       1001          1\n         1     100000      65536\n');
    expect([insideId(m, 1001), insideId(m, 100000), insideId(m, 100999), insideId(m, 5)]).toEqual([0, 1, 1000, undefined]);
  });
  it('io, net/dev without loopback, meminfo, btime', () => {
    expect(parseIo('rchar: 5\nwchar: 6\nread_bytes: 4096\nwrite_bytes: 8192\n')).toEqual({ read: 4096, write: 8192 });
    const dev =
      'Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n    lo:  1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0\n  eth0:  2000      20    0    0    0     0          0         0     3000      30    0    0    0     0       0          0\n';
    expect(parseNetDev(dev)).toEqual({ rx: 2000, tx: 3000 });
    expect(parseMemTotal('MemTotal:       24688836 kB\nMemFree: 1 kB\n')).toBe(24688836 * 1024);
    expect(parseBootTime('cpu 1 2\nbtime 1763456789\n')).toBe(1763456789);
  });
  it('tty names: pts devices by number, anything else ?', () => {
    expect([ttyName(0), ttyName(34816), ttyName((136 << 8) | 3), ttyName((137 << 8) | 1), ttyName((4 << 8) | 1)]).toEqual(['?', 'pts/0', 'pts/3', 'pts/257', '?']);
  });
});

describe('Go durations', () => {
  it('as time.Duration.String()', () => {
    const s = (ns: number) => goDuration(BigInt(ns));
    expect([s(0), s(999), s(1500), s(10_000_000), s(1_500_000), s(7_372_133_656), s(60e9), s(3723e9), s(-2e9)]).toEqual([
      '0s',
      '999ns',
      '1.5µs',
      '10ms',
      '1.5ms',
      '7.372133656s',
      '1m0s',
      '1h2m3s',
      '-2s',
    ]);
  });
});
