// build's --ulimit, --shm-size and resource flags (--memory, --memory-swap,
// --cpu-*, --cpuset-*), --device and --ipc/--pid/--uts: every RUN step's
// container gets them as `run` gives them to a container (the same parsers,
// messages and, on a host without a delegated cgroup v2 subtree, the same
// answer: podman's cgroup v1 rootless warning and no limits). A namespace is
// `private` (what RUN steps get anyway) or `host`; buildah's third form, the
// path of a namespace to join, is refused.

import type { StepLimits } from '../../build/exec/step-container.js';
import { UsageError } from '../../errors.js';
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
  device?: readonly string[] | undefined;
  ipc?: string | readonly string[] | undefined;
  pid?: string | readonly string[] | undefined;
  uts?: string | readonly string[] | undefined;
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
  const ns: NonNullable<StepLimits['namespaces']> = {};
  for (const k of ['ipc', 'pid', 'uts'] as const) {
    // A string flag given twice: the last wins (pflag).
    const v = Array.isArray(argv[k]) ? (argv[k] as readonly string[]).at(-1) : (argv[k] as string | undefined);
    if (v === undefined || v === '' || v === 'private') continue;
    if (v === 'host') ns[k] = 'host';
    else throw new UsageError(`--${k}=${v} is not supported: RUN steps take private or host (joining a namespace by its path is not supported)`);
  }
  if (ns.ipc === 'host' && out.shmSize !== undefined) throw new UsageError('invalid config provided: cannot set shmsize when running in the {host } IPC Namespace');
  if (Object.keys(ns).length) out.namespaces = ns;
  if (argv.device?.length) {
    const [{ parseDevices }, { hostDeviceInfo }] = await Promise.all([import('../../runtime/create-flags/process-flags.js'), import('../../runtime/create-flags/host-devices.js')]);
    out.devices = parseDevices(argv.device.map(String), hostDeviceInfo);
  }
  return Object.keys(out).length ? out : undefined;
}
