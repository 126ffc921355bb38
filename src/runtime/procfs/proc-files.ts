// Parsers for the /proc files that top, stats and pause read about a
// container's processes (proc(5)). Pure: text in, numbers out.

export interface ProcStatus {
  name: string;
  /** Single letter: R, S, D, T (stopped), t, Z, ... */
  state: string;
  /** Parent pid, in the reader's pid namespace. */
  ppid: number;
  /** Real, effective, saved, fs uid / gid, in the reader's user namespace. */
  uids: number[];
  gids: number[];
  /** The pid in each pid namespace from the reader's down to the process's own. */
  nspid: number[];
  /** Resident set size in bytes (0 for kernel threads and zombies). */
  rss: number;
  threads: number;
  /** The State line as written (`S (sleeping)`). */
  stateText: string;
  /** Supplementary groups, in the reader's user namespace. */
  groups: number[];
  /** CapInh, CapPrm, CapEff, CapBnd, CapAmb as hex masks. */
  caps: { inh: string; prm: string; eff: string; bnd: string; amb: string };
  /** 0 disabled, 1 strict, 2 filter. */
  seccomp: number;
}

export function parseStatus(text: string): ProcStatus {
  const out: ProcStatus = {
    name: '',
    state: '',
    ppid: 0,
    uids: [],
    gids: [],
    nspid: [],
    rss: 0,
    threads: 0,
    stateText: '',
    groups: [],
    caps: { inh: '0', prm: '0', eff: '0', bnd: '0', amb: '0' },
    seccomp: 0,
  };
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    const numbers = () => value.split(/\s+/).filter(Boolean).map(Number);
    switch (key) {
      case 'Name':
        out.name = value;
        break;
      case 'State':
        out.state = value.charAt(0);
        out.stateText = value;
        break;
      case 'Groups':
        out.groups = numbers();
        break;
      case 'CapInh':
        out.caps.inh = value;
        break;
      case 'CapPrm':
        out.caps.prm = value;
        break;
      case 'CapEff':
        out.caps.eff = value;
        break;
      case 'CapBnd':
        out.caps.bnd = value;
        break;
      case 'CapAmb':
        out.caps.amb = value;
        break;
      case 'Seccomp':
        out.seccomp = Number(value);
        break;
      case 'PPid':
        out.ppid = Number(value);
        break;
      case 'Uid':
        out.uids = numbers();
        break;
      case 'Gid':
        out.gids = numbers();
        break;
      case 'NSpid':
        out.nspid = numbers();
        break;
      case 'VmRSS':
        out.rss = Number(value.split(/\s+/)[0]) * 1024; // "1234 kB"
        break;
      case 'Threads':
        out.threads = Number(value);
        break;
    }
  }
  return out;
}

export interface ProcStatFields {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  /** Process group, in the reader's pid namespace. */
  pgrp: number;
  /** tty_nr: the controlling terminal's device number, 0 for none. */
  ttyNr: number;
  /** Clock ticks in user and kernel mode. */
  utime: number;
  stime: number;
  /** Clock ticks of its children that it waited for. */
  cutime: number;
  cstime: number;
  /** Clock ticks after boot. */
  startTime: number;
  nice: number;
  /** Virtual memory size in bytes. */
  vsize: number;
}

/** /proc/<pid>/stat: comm may hold spaces and parentheses, so fields are counted after the LAST ')'. */
export function parseStatFields(line: string): ProcStatFields {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`malformed /proc stat line: ${line.slice(0, 80)}`);
  const f = line.slice(close + 1).trim().split(/\s+/);
  // f[0] is field 3, so field N is f[N - 3].
  const n = (field: number) => Number(f[field - 3] ?? 0);
  return {
    pid: Number(line.slice(0, open).trim()),
    comm: line.slice(open + 1, close),
    state: f[0] ?? '',
    ppid: n(4),
    pgrp: n(5),
    ttyNr: n(7),
    utime: n(14),
    stime: n(15),
    cutime: n(16),
    cstime: n(17),
    startTime: n(22),
    nice: n(19),
    vsize: n(23),
  };
}

export interface IdMapping {
  inside: number;
  outside: number;
  count: number;
}

/** /proc/<pid>/uid_map or gid_map as the reader sees it: `inside outside count` lines. */
export function parseIdMap(text: string): IdMapping[] {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter((f) => f.length === 3 && f.every(Number.isSafeInteger))
    .map(([inside, outside, count]) => ({ inside: inside!, outside: outside!, count: count! }));
}

/** The id inside the namespace for an id of ours; undefined when unmapped (the kernel shows it as the overflow id). */
export function insideId(map: readonly IdMapping[], outside: number): number | undefined {
  for (const m of map) if (outside >= m.outside && outside < m.outside + m.count) return m.inside + (outside - m.outside);
  return undefined;
}

/** /proc/<pid>/io: bytes read from and written to storage. */
export function parseIo(text: string): { read: number; write: number } {
  const field = (name: string) => Number(new RegExp(`^${name}:\\s*(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { read: field('read_bytes'), write: field('write_bytes') };
}

/** /proc/<pid>/net/dev: bytes received and sent on every interface but loopback. */
export function parseNetDev(text: string): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    if (line.slice(0, colon).trim() === 'lo') continue;
    const f = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    rx += f[0] ?? 0;
    tx += f[8] ?? 0;
  }
  return { rx, tx };
}

/** /proc/meminfo MemTotal in bytes. */
export function parseMemTotal(text: string): number {
  return Number(/^MemTotal:\s*(\d+)/m.exec(text)?.[1] ?? 0) * 1024;
}

/** /proc/stat btime: the boot time in Unix seconds. */
export function parseBootTime(text: string): number {
  return Number(/^btime\s+(\d+)/m.exec(text)?.[1] ?? 0);
}

/** A tty_nr as the container names its terminal: pts devices (majors 136-143) are `pts/N`; anything else `?`. */
export function ttyName(ttyNr: number): string {
  if (ttyNr === 0) return '?';
  const major = (ttyNr >> 8) & 0xfff;
  const minor = (ttyNr & 0xff) | ((ttyNr >> 12) & 0xfff00);
  if (major >= 136 && major <= 143) return `pts/${(major - 136) * 256 + minor}`;
  return '?';
}
