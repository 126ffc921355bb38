// `tsc-run __complete ARGS... CURRENT` (and `__completeNoDesc`): the hidden
// command the scripts of `tsc-run completion` call on every <TAB>. Its
// output is cobra's, so podman's own completion scripts and tests read it:
// one candidate per line (`value<TAB>description` unless NoDesc), then
// `:DIRECTIVE`; on stderr `Completion ended with directive: ...`.

import { resolveRoots } from '../../config/paths.js';
import type { CommandInfo } from '../help/command-info.js';
import { candidatesFor } from './candidates.js';
import { directiveNames } from './directive.js';
import { planCompletion } from './plan.js';

export const COMPLETE_WORDS = ['__complete', '__completeNoDesc'] as const;

/** `--root X` / `--root=X` among the words typed, for the stores to read. */
function globalValue(words: readonly string[], name: string): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') break;
    if (w === `--${name}` && i + 1 < words.length - 1) found = words[i + 1];
    else if (w.startsWith(`--${name}=`)) found = w.slice(name.length + 3);
  }
  return found;
}

export async function complete(root: CommandInfo, word: string, words: readonly string[]): Promise<number> {
  const all = words.length ? words : [''];
  const roots = resolveRoots({ root: globalValue(all, 'root'), runroot: globalValue(all, 'runroot') });
  const result = await candidatesFor(planCompletion(root, all), roots);
  const withDesc = word === '__complete';
  const lines = [
    ...result.debug,
    ...result.candidates.map((c) => (withDesc && c.describe ? `${c.value}\t${c.describe.split('\n')[0]!}` : c.value)),
    `:${result.directive}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  process.stderr.write(`Completion ended with directive: ${directiveNames(result.directive)}\n`);
  return 0;
}
