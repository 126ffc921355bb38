// `wait`: block until a container meets a condition, as podman 4.3 does.
// `stopped`/`exited` (the default) hold as soon as the container is not
// running (a created container qualifies at once) and give its exit code;
// any other state name (`running`, `created`...) is waited for literally
// and gives -1.

import { UsageError } from '../../errors.js';
import { NoSuchContainerError, type ContainerRecord, type ContainerStore } from '../../storage/containers.js';
import { liveRecord, syncContainer } from './container-observe.js';
import { pollUntil } from './poll.js';

const EXIT_CONDITIONS = ['stopped', 'exited'];
const STATE_CONDITIONS = ['created', 'configured', 'running', 'paused', 'stopping', 'removing', 'unknown'];

export interface WaitCondition {
  /** Waiting for the container to stop: the answer is its exit code. */
  exit: boolean;
  /** Other states waited for; the answer is then -1. */
  states: string[];
}

export function parseConditions(values: readonly string[]): WaitCondition {
  const c: WaitCondition = { exit: values.length === 0, states: [] };
  for (const v of values.flatMap((x) => x.split(','))) {
    if (EXIT_CONDITIONS.includes(v)) c.exit = true;
    else if (STATE_CONDITIONS.includes(v)) c.states.push(v === 'configured' ? 'created' : v);
    else throw new UsageError(`unknown container state: ${v}: invalid argument`);
  }
  return c;
}

/** The value wait prints once the condition holds, or undefined while it does not. */
export function conditionResult(rec: ContainerRecord, c: WaitCondition): number | undefined {
  const s = rec.state.status;
  if (c.exit && s !== 'running' && s !== 'paused') return rec.state.exitCode ?? 0;
  if (c.states.includes(s)) return -1;
  return undefined;
}

export async function waitContainer(store: ContainerStore, runRoot: string, id: string, c: WaitCondition, intervalMs: number): Promise<number> {
  const result = await pollUntil(
    async () => {
      const rec = await store.get(id);
      if (!rec) throw new NoSuchContainerError(id); // removed while we waited (rm, an --rm cleanup)
      return conditionResult(liveRecord(runRoot, rec), c);
    },
    { timeoutMs: Infinity, intervalMs },
  );
  // Store what we learned (a dead monitor's container becomes exited once).
  await syncContainer(store, runRoot, id).catch(() => undefined);
  return result!;
}
