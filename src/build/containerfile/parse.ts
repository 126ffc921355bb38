// A whole Containerfile → global ARGs and build stages, every line checked.
// Pure: bad files fail here, before anything is pulled or run.

import { TscRunError } from '../../errors.js';
import { ContainerfileError } from './errors.js';
import { parseInstruction, type Instruction } from './instructions.js';
import { logicalLines, type Directives } from './lines.js';

type FromInstruction = Extract<Instruction, { kind: 'FROM' }>;
type ArgInstruction = Extract<Instruction, { kind: 'ARG' }>;

export interface Stage {
  /** Position in the file, from 0 (`COPY --from=0`). */
  index: number;
  /** `AS name`, lowercased. */
  name?: string;
  from: FromInstruction;
  /** The instructions after FROM. */
  steps: Instruction[];
}

export interface Containerfile {
  file: string;
  directives: Directives;
  /** ARGs before the first FROM: usable in FROM lines, and in a stage after a bare `ARG NAME`. */
  globalArgs: ArgInstruction[];
  stages: Stage[];
}

export function parseContainerfile(text: string, file = 'Containerfile'): Containerfile {
  const { directives, lines } = logicalLines(file, text);
  const globalArgs: ArgInstruction[] = [];
  const stages: Stage[] = [];
  const names = new Set<string>();
  for (const l of lines) {
    const ins = parseInstruction(file, l, directives.escape);
    if (ins.kind === 'FROM') {
      if (ins.name !== undefined) {
        if (names.has(ins.name)) throw new ContainerfileError(file, ins.line, `duplicate name of build stage: ${JSON.stringify(ins.name)}`);
        names.add(ins.name);
      }
      stages.push({ index: stages.length, ...(ins.name !== undefined ? { name: ins.name } : {}), from: ins, steps: [] });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (!stage) {
      if (ins.kind !== 'ARG') throw new ContainerfileError(file, ins.line, `${ins.kind} before the first FROM: only ARG may come before it`);
      globalArgs.push(ins);
      continue;
    }
    stage.steps.push(ins);
  }
  // Nothing but comments and blank lines: podman's words (buildah finds no stage).
  if (lines.length === 0) throw new TscRunError('building: no stages to build');
  if (stages.length === 0) throw new ContainerfileError(file, lines[lines.length - 1]?.line ?? 1, 'no FROM instruction: a build stage starts with FROM');
  return { file, directives, globalArgs, stages };
}
