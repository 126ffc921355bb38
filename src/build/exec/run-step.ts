// RUN: the command line (exec form as written; shell form through SHELL,
// heredocs handed to the shell as heredocs, a lone heredoc as the script).
// RUN --mount is run-mounts.ts (parsing) and mount-sources.ts. Pure.

import type { Instruction } from '../containerfile/instructions.js';
import { DEFAULT_SHELL } from './meta-steps.js';

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
