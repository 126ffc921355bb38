// Basic machine facts for `info`: kernel, arch, hostname, CPUs, memory,
// uptime. Node's os module and one /proc read; no processes.

import fs from 'node:fs';
import os from 'node:os';
import { readDistribution, type DistributionInfo } from './os-release.js';
import { formatUptime, goArch, parseCpuUsage, parseMeminfo, type CpuUsage, type MemInfo } from './proc-parse.js';

export interface SystemFacts extends MemInfo {
  kernel: string;
  arch: string;
  os: string;
  hostname: string;
  cpus: number;
  uptime: string;
  cpuUtilization: CpuUsage;
  distribution: DistributionInfo;
}

function readOr(p: string, fallback: string): string {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return fallback;
  }
}

export function readSystemFacts(): SystemFacts {
  let mem: MemInfo;
  try {
    mem = parseMeminfo(fs.readFileSync('/proc/meminfo', 'utf8'));
  } catch {
    mem = { memTotal: os.totalmem(), memFree: os.freemem(), swapTotal: 0, swapFree: 0 };
  }
  return {
    kernel: os.release(),
    arch: goArch(os.arch()),
    os: 'linux',
    hostname: os.hostname(),
    // CPUs this process may run on (cgroup/affinity aware), as Go's runtime.NumCPU.
    cpus: os.availableParallelism(),
    uptime: formatUptime(os.uptime()),
    cpuUtilization: parseCpuUsage(readOr('/proc/stat', '')),
    distribution: readDistribution(),
    ...mem,
  };
}
