// Parsers for small /proc files and podman's renderings of them. Pure.

export interface MemInfo {
  memTotal: number;
  memFree: number;
  swapTotal: number;
  swapFree: number;
}

/** /proc/meminfo (kB values) → bytes. memFree is MemAvailable when the kernel has it. */
export function parseMeminfo(text: string): MemInfo {
  const kb = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s+(\d+)/.exec(line);
    if (m) kb.set(m[1]!, Number(m[2]) * 1024);
  }
  return {
    memTotal: kb.get('MemTotal') ?? 0,
    memFree: kb.get('MemAvailable') ?? kb.get('MemFree') ?? 0,
    swapTotal: kb.get('SwapTotal') ?? 0,
    swapFree: kb.get('SwapFree') ?? 0,
  };
}

export interface CpuUsage {
  userPercent: number;
  systemPercent: number;
  idlePercent: number;
}

/**
 * podman's host.cpuUtilization: shares of user, system and idle time since
 * boot, from the aggregate `cpu` line of /proc/stat, rounded to 2 decimals.
 */
export function parseCpuUsage(procStat: string): CpuUsage {
  const fields = /^cpu\s+(.*)$/m.exec(procStat)?.[1]?.trim().split(/\s+/).map(Number) ?? [];
  const [user = 0, , system = 0, idle = 0] = fields;
  const total = user + system + idle;
  const pct = (n: number) => (total ? Math.round((n / total) * 100 * 100) / 100 : 0);
  return { userPercent: pct(user), systemPercent: pct(system), idlePercent: pct(idle) };
}

/** podman's uptime string: `0h 6m 53.00s`, plus `(Approximately N days)` past the first hour. */
export function formatUptime(seconds: number): string {
  const whole = Math.floor(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor(whole / 60) % 60;
  let s = `${hours}h ${minutes}m ${(whole % 60).toFixed(2)}s`;
  if (hours > 0) s += ` (Approximately ${(hours / 24).toFixed(2)} days)`;
  return s;
}

/** Node's arch names → Go's GOARCH, which podman prints. */
export function goArch(nodeArch: string): string {
  const map: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return map[nodeArch] ?? nodeArch;
}
