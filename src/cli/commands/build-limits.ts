// build's --ulimit, --shm-size and resource flags (--memory, --memory-swap,
// --cpu-*, --cpuset-*): every RUN step's container gets them as `run` gives
// them to a container (the same parsers, messages and, on a host without a
// delegated cgroup v2 subtree, the same answer: podman's cgroup v1 rootless
// warning and no limits).

import type { StepLimits } from '../../build/exec/step-container.js';
import type { CreateArgs } from './container-flags.js';

export interface BuildLimitArgs {
  ulimit?: readonly string[] | undefined;
  'shm-size'?: string | undefined;
  memory?: string | undefined;
  'memory-swap'?: string | undefined;
  'cpu-period'?: string | undefined;
  'cpu-quota'?: string | undefined;
  'cpu-shares'?: string | undefined;
  'cpuset-cpus'?: string | undefined;
  'cpuset-mems'?: string | undefined;
}

/** The limits of RUN steps, or undefined when no flag asks for any. */
export async function stepLimits(argv: BuildLimitArgs): Promise<StepLimits | undefined> {
  const out: StepLimits = {};
  if (argv.ulimit?.length) {
    const { parseUlimits } = await import('../../runtime/create-flags/process-flags.js');
    const u = parseUlimits(argv.ulimit.map(String));
    if (u.length) out.ulimits = u;
  }
  if (argv['shm-size'] !== undefined) {
    const { parseShmSize } = await import('../../runtime/create-flags/process-flags.js');
    out.shmSize = parseShmSize(String(argv['shm-size']));
  }
  const keys = ['memory', 'memory-swap', 'cpu-period', 'cpu-quota', 'cpu-shares', 'cpuset-cpus', 'cpuset-mems'] as const;
  if (keys.some((k) => argv[k] !== undefined)) {
    const { planResources } = await import('./container-flags.js');
    const given: Partial<CreateArgs> = {};
    for (const k of keys) if (argv[k] !== undefined) given[k] = String(argv[k]);
    const r = await planResources(given as CreateArgs);
    if (r) out.resources = r;
  }
  return Object.keys(out).length ? out : undefined;
}
