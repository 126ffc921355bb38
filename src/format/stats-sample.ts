// One `stats` reading of a container in plain numbers: what the engine's
// sampler (runtime/stats/stats-sample.ts) takes and what both the engine's
// `stats` and `compose stats` print from. A type only, here so that both
// may use it under the layering rule.

export interface StatsSample {
  id: string;
  name: string;
  /** Running or paused: the numbers below are real (else all 0). */
  live: boolean;
  cpuNs: number;
  /** The part of cpuNs spent in the kernel. */
  cpuSystemNs: number;
  memUsage: number;
  memLimit: number;
  netInput: number;
  netOutput: number;
  blockInput: number;
  blockOutput: number;
  pids: number;
  /** When the container's current run started (ms), for the average. */
  startedAtMs: number;
  /** When this sample was taken (ms). */
  takenAtMs: number;
}
