// Start a created container in the foreground: mount its image's layers
// (through the l/ short links) under its upper/work dirs with the helper's
// `run` mode, stdout/stderr passed straight through, and record the state:
// running with the helper as monitor (pid + start time), then exited with
// the code.

import { TscRunError } from '../errors.js';
import { ContainerStore, type ContainerRecord } from '../storage/containers.js';
import type { TreeOps } from '../storage/layers/layer-store.js';
import { LayerStore } from '../storage/layers/layer-store.js';
import { ensureShortLink, shortLinkPath } from '../storage/layers/short-links.js';
import { bootId, processStartTime, type ProcStamp } from '../storage/proc-stamp.js';
import { rootfsRunSpec } from './container-rootfs.js';
import { runHelper, runModeArgs, type RunSpec } from './helper.js';

function envRecord(env: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of env) {
    const i = kv.indexOf('=');
    if (i > 0) out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

function stampOf(pid: number): ProcStamp | undefined {
  const startTime = processStartTime(pid);
  return startTime === undefined ? undefined : { pid, startTime, bootId: bootId() };
}

/** The helper's `run` spec for a container (its rootfs as its storage says: container-rootfs.ts). */
export async function containerRunSpec(dataRoot: string, c: ContainerRecord, treeOps: TreeOps): Promise<RunSpec> {
  const store = new ContainerStore(dataRoot);
  const lower = async (): Promise<string[]> => {
    const layers = await new LayerStore(dataRoot, treeOps).stack(c.layers);
    const out: string[] = [];
    for (const l of [...layers].reverse()) {
      await ensureShortLink(dataRoot, l.id);
      out.push(shortLinkPath(dataRoot, l.id));
    }
    return out;
  };
  return {
    ...(await rootfsRunSpec(c.storage, { lower, upper: store.upperDir(c.id), work: store.workDir(c.id), rootfs: store.rootfsDir(c.id) })),
    hostname: c.config.hostname,
    cwd: c.config.workingDir,
    user: { uid: c.config.uid, gid: c.config.gid },
    env: envRecord(c.config.env),
    net: c.config.network,
    command: c.config.command,
  };
}

/**
 * Run the container to completion with inherited stdout/stderr; returns its exit
 * code. A command that cannot be run (126/127) or a helper failure is
 * recorded as the exit code, then rethrown for the CLI to report.
 */
export async function startContainerForeground(dataRoot: string, c: ContainerRecord, treeOps: TreeOps): Promise<number> {
  const store = new ContainerStore(dataRoot);
  const spec = await containerRunSpec(dataRoot, c, treeOps);
  const startedAt = new Date().toISOString();
  let running: Promise<unknown> = Promise.resolve();
  let exitCode: number;
  let failure: unknown;
  try {
    const r = await runHelper({
      mode: 'run',
      args: runModeArgs(spec),
      // Without -i podman attaches no stdin: the container reads /dev/null.
      stdio: ['ignore', 'inherit', 'inherit'],
      forwardSignals: true,
      onSpawn: (pid) => {
        const monitor = stampOf(pid);
        running = store.update(c.id, (rec) => {
          rec.state = { status: 'running', startedAt, ...(monitor ? { monitor } : {}) };
        });
      },
    });
    exitCode = r.exitCode;
  } catch (err) {
    failure = err;
    exitCode = err instanceof TscRunError ? err.exitCode : 125;
  }
  await running.catch(() => undefined);
  await store.update(c.id, (rec) => {
    rec.state = { status: 'exited', startedAt, finishedAt: new Date().toISOString(), exitCode };
  });
  if (failure !== undefined) throw failure;
  return exitCode;
}
