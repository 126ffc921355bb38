// `--format <TAB>`: `json`, then Go-template fields (`{{.St` -> `{{.State.`,
// `{{.Status}}`), completed inside whatever was typed before, as podman's
// AutocompleteFormat does; or the words of a --format that is not a template
// (commit's oci|docker, push's oci|v2s2, save's archive kinds). Pure.

import { FORMAT_FIELDS } from './format-fields.js';

const FORMAT_WORDS: Readonly<Record<string, readonly string[]>> = {
  commit: ['oci', 'docker'],
  'container commit': ['oci', 'docker'],
  push: ['oci', 'v2s2'],
  'image push': ['oci', 'v2s2'],
  'manifest push': ['oci', 'v2s2'],
  save: ['oci-dir', 'oci-archive', 'docker-dir', 'docker-archive'],
  'image save': ['oci-dir', 'oci-archive', 'docker-dir', 'docker-archive'],
};

export interface FormatCompletion {
  values: string[];
  /** Fields end mid-word (`{{.State.`): the shell must not add a space. */
  noSpace: boolean;
}

/** command: the path below the program name (`container inspect`). */
export function formatCandidates(command: string, toComplete: string): FormatCompletion {
  const words = FORMAT_WORDS[command];
  if (words) return { values: words.filter((w) => w.startsWith(toComplete)), noSpace: false };
  if ('json'.startsWith(toComplete)) return { values: ['json'], noSpace: false };
  const fields = FORMAT_FIELDS[command];
  const actions = toComplete.split('{{');
  if (!fields || actions.length === 1) return { values: [], noSpace: false };
  // The last word of the last action: `.State.Sta` in `{{.ID}} {{ .State.Sta`.
  const word = actions[actions.length - 1]!.split(' ').pop()!;
  const path = word.split('.');
  if (path.length < 2) return { values: [], noSpace: false };
  const parent = path.slice(1, -1).join('.');
  const typed = path[path.length - 1]!;
  const head = toComplete.slice(0, toComplete.length - typed.length);
  const values: string[] = [];
  for (const f of fields.split(' ')) {
    const struct = f.endsWith('.');
    const name = struct ? f.slice(0, -1) : f;
    const dot = name.lastIndexOf('.');
    if ((dot < 0 ? '' : name.slice(0, dot)) !== parent) continue;
    const last = name.slice(dot + 1);
    if (last.startsWith(typed)) values.push(`${head}${last}${struct ? '.' : '}}'}`);
  }
  return { values, noSpace: true };
}
