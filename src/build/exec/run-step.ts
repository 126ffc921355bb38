// RUN: the command line (exec form as written; shell form through SHELL,
// heredocs handed to the shell as heredocs, a lone heredoc as the script),
// and RUN --mount (bind from the context or a stage, cache, tmpfs, secret)
// turned into the step container's -v/--tmpfs mounts. Pure.

import path from 'node:path';
import type { Instruction } from '../containerfile/instructions.js';
import { DEFAULT_SHELL, StepError } from './meta-steps.js';

type RunInstruction = Extract<Instruction, { kind: 'RUN' }>;

export function runArgv(ins: RunInstruction, shell: readonly string[] | undefined): string[] {
  const sh = shell?.length ? [...shell] : [...DEFAULT_SHELL];
  if ('exec' in ins.command) return [...ins.command.exec];
  const text = ins.command.shell;
  if (ins.heredocs.length === 0) return [...sh, text];
  const lone = /^<<-?(["']?)([A-Za-z_][A-Za-z0-9_.-]*)\1$/.exec(text.trim());
  if (lone && ins.heredocs.length === 1) return [...sh, ins.heredocs[0]!.content];
  // The shell reads the heredocs itself: the bodies follow the command line, each with its terminator.
  return [...sh, `${text}\n${ins.heredocs.map((h) => `${h.content}${h.name}\n`).join('')}`];
}

export interface RunMountPlan {
  volumes: string[];
  tmpfs: string[];
  /** Cache mount ids (directories under the build's cache-mount root). */
  caches: Array<{ id: string; target: string }>;
  /** Stage or image whose root a bind mount reads (`from=`). */
  fromBinds: Array<{ from: string; source: string; target: string }>;
}

function options(spec: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of spec.split(',')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    m.set(eq < 0 ? part : part.slice(0, eq), eq < 0 ? 'true' : part.slice(eq + 1));
  }
  return m;
}

/** RUN --mount values → mounts. contextRoot: bind sources; secrets: id → host file. */
export function planRunMounts(specs: readonly string[], workdir: string, contextRoot: string, secrets: ReadonlyMap<string, string>): RunMountPlan {
  const plan: RunMountPlan = { volumes: [], tmpfs: [], caches: [], fromBinds: [] };
  for (const spec of specs) {
    const o = options(spec);
    const type = o.get('type') ?? 'bind';
    const targetRaw = o.get('target') ?? o.get('dst') ?? o.get('destination');
    const target = targetRaw !== undefined ? path.posix.resolve(workdir || '/', targetRaw) : undefined;
    const ro = o.get('readonly') === 'true' || o.get('ro') === 'true';
    switch (type) {
      case 'bind': {
        if (!target) throw new StepError(`RUN --mount=${spec}: a bind mount needs target=`);
        if (o.get('rw') === 'true' || o.get('readwrite') === 'true') throw new StepError(`RUN --mount=${spec}: writable bind mounts are not supported (the step would write into the build context)`);
        const source = path.posix.normalize(`/${o.get('source') ?? o.get('src') ?? ''}`).slice(1);
        const from = o.get('from');
        if (from !== undefined) plan.fromBinds.push({ from, source, target });
        else plan.volumes.push(`${path.join(contextRoot, source)}:${target}:ro`);
        break;
      }
      case 'cache': {
        if (!target) throw new StepError(`RUN --mount=${spec}: a cache mount needs target=`);
        if (o.has('from')) throw new StepError(`RUN --mount=${spec}: cache mounts seeded from= a stage are not supported`);
        const id = o.get('id') ?? target;
        plan.caches.push({ id, target: ro ? `${target}:ro` : target });
        break;
      }
      case 'tmpfs': {
        if (!target) throw new StepError(`RUN --mount=${spec}: a tmpfs mount needs target=`);
        const size = o.get('size') ?? o.get('tmpfs-size');
        plan.tmpfs.push(size ? `${target}:size=${size}` : target);
        break;
      }
      case 'secret': {
        const id = o.get('id') ?? (targetRaw ? path.posix.basename(targetRaw) : undefined);
        if (!id) throw new StepError(`RUN --mount=${spec}: a secret mount needs id= or target=`);
        const file = secrets.get(id);
        if (file === undefined) {
          if (o.get('required') === 'true') throw new StepError(`secret ${id} is required but was not given with --secret`);
          break;
        }
        plan.volumes.push(`${file}:${target ?? `/run/secrets/${id}`}:ro`);
        break;
      }
      case 'ssh':
        throw new StepError(`RUN --mount=${spec}: ssh mounts are not supported (no --ssh agent forwarding)`);
      default:
        throw new StepError(`RUN --mount=${spec}: unknown mount type ${JSON.stringify(type)}`);
    }
  }
  return plan;
}
