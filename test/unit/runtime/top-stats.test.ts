import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import type { ProcStatFields, ProcStatus } from '../../../src/runtime/procfs/proc-files.js';
import type { StatsSample } from '../../../src/runtime/stats/stats-sample.js';
import { statsJson, statsRow } from '../../../src/runtime/stats/stats-view.js';
import { capNames, resolveDescriptors, topRows, type TopContext, type TopProcess } from '../../../src/runtime/top/top-descriptors.js';

const stat: ProcStatFields = { pid: 9522, comm: 'sleep', state: 'S', ppid: 9521, pgrp: 9522, ttyNr: 0, utime: 250, stime: 50, cutime: 0, cstime: 0, startTime: 100_000, nice: 0, vsize: 2_322_432 };
const status: ProcStatus = {
  name: 'sleep',
  state: 'S',
  stateText: 'S (sleeping)',
  ppid: 9521,
  uids: [1001, 1001, 1001, 1001],
  gids: [1001, 1001, 1001, 1001],
  nspid: [9522, 1],
  rss: 1380 * 1024,
  threads: 1,
  groups: [],
  caps: { inh: '0', prm: '00000000800405fb', eff: '00000000800405fb', bnd: '000001ffffffffff', amb: '0' },
  seccomp: 2,
};
const proc: TopProcess = { hostPid: 9522, pid: 1, ppid: 0, pgid: 1, stat, status, ruid: 0, uid: 0, rgid: 0, gid: 0, groups: [], args: ['sleep', '600'], label: undefined };
// Booted at 1000 s; the process started 1000 s (100 000 ticks) later; now is 2010.5 s.
const ctx: TopContext = {
  userName: (u) => (u === 0 ? 'root' : String(u)),
  groupName: (g) => (g === 0 ? 'root' : String(g)),
  hostUserName: (u) => (u === 1001 ? 'tsctest' : String(u)),
  hostGroupName: (g) => String(g),
  nowNs: 2_010_500_000_000n,
  bootTime: 1000,
  clockTicks: 100,
};

describe('top descriptors (psgo)', () => {
  it('the default columns: whole-second CPU and start time, Go durations', () => {
    expect(topRows([proc], [], ctx)).toEqual(['USER\tPID\tPPID\t%CPU\tELAPSED\tTTY\tTIME\tCOMMAND', 'root\t1\t0\t28.571\t10.5s\t?\t3s\tsleep 600']);
  });
  it('names, codes and comma lists; host columns; caps as names, full or none', () => {
    expect(topRows([proc], ['pid,%c', 'hpid', 'huser', 'capeff', 'capbnd', 'capinh', 'seccomp', 'rss', 'state', 'vsz'], ctx)[1]!.split('\t')).toEqual([
      '1',
      'sleep',
      '9522',
      'tsctest',
      'CHOWN,DAC_OVERRIDE,FOWNER,FSETID,KILL,NET_BIND_SERVICE,SETFCAP,SETGID,SETPCAP,SETUID,SYS_CHROOT',
      'full',
      'none',
      'filter',
      '1380',
      'S (sleeping)',
      '2268',
    ]);
    expect(capNames('0000000000000001')).toBe('CHOWN');
  });
  it('an empty command line shows the name in brackets; rows in pid order', () => {
    const zombie = { ...proc, pid: 7, args: [] };
    expect(topRows([zombie, proc], ['pid', 'args'], ctx)).toEqual(['PID\tCOMMAND', '1\tsleep 600', '7\t[sleep]']);
  });
  it('podman\'s error for an unknown descriptor', () => {
    expect(() => resolveDescriptors(['pid', 'bogus'])).toThrow(UsageError);
    expect(() => resolveDescriptors(['pid', 'bogus'])).toThrow("'bogus': unknown descriptor");
  });
});

describe('stats view', () => {
  const sample: StatsSample = {
    id: 'b'.repeat(64),
    name: 'web',
    live: true,
    cpuNs: 2_000_000_000,
    cpuSystemNs: 500_000_000,
    memUsage: 1_413_120,
    memLimit: 25_280_000_000,
    netInput: 0,
    netOutput: 1500,
    blockInput: 0,
    blockOutput: 77_824,
    pids: 2,
    startedAtMs: 1_000_000,
    takenAtMs: 1_010_000,
  };
  it('first reading: CPU % over the whole run (= AVG), sizes and percentages as podman prints them', () => {
    expect(statsRow(sample, undefined, false)).toMatchObject({
      ID: 'bbbbbbbbbbbb',
      Name: 'web',
      CPUPerc: '20.00%',
      AVGCPU: '20.00%',
      MemUsage: '1.413MB / 25.28GB',
      MemUsageBytes: '1.348MiB / 23.54GiB',
      MemPerc: '0.01%',
      NetIO: '0B / 1.5kB',
      BlockIO: '0B / 77.82kB',
      PIDS: '2',
      UpTime: '2s',
    });
  });
  it('later readings: CPU % over the interval; a restart (less CPU than before) starts over', () => {
    const next = { ...sample, cpuNs: 2_500_000_000, takenAtMs: 1_011_000 };
    expect(statsRow(next, sample, false).CPUPerc).toBe('50.00%');
    expect(statsRow({ ...sample, cpuNs: 100_000_000 }, sample, false).CPUPerc).toBe('1.00%');
  });
  it('a container that is not running reads all zero', () => {
    const r = statsRow({ ...sample, live: false, cpuNs: 0, memUsage: 0, memLimit: 0, pids: 0, blockOutput: 0, netOutput: 0 }, undefined, true);
    expect([r.ID, r.CPUPerc, r.MemUsage, r.MemPerc, r.PIDS, r.UpTime]).toEqual(['b'.repeat(64), '0.00%', '0B / 0B', '0.00%', '0', '0s']);
  });
  it('--format json: podman 4.3\'s keys, one-space indent', () => {
    const text = statsJson([statsRow(sample, undefined, false)]);
    expect(text.startsWith('[\n {\n  "id": "bbbbbbbbbbbb",\n  "name": "web",\n  "cpu_time": "2s",')).toBe(true);
    expect(Object.keys(JSON.parse(text)[0])).toEqual(['id', 'name', 'cpu_time', 'cpu_percent', 'avg_cpu', 'mem_usage', 'mem_percent', 'net_io', 'block_io', 'pids']);
  });
});
