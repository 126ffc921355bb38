// `container runlabel LABEL IMAGE [ARG...]`: the command an image's label
// names (e.g. INSTALL, RUN), made runnable as podman does it: split like a
// shell, `podman`/`docker` at its head replaced by this program, IMAGE and
// NAME (and $IMAGE, ${NAME}, IMAGE=IMAGE ...) filled in, $OPT1-3 and $PWD
// expanded, the extra arguments appended. Pure.

import { TscRunError } from '../errors.js';
import { shellSplit } from '../compose/shell-split.js';

export interface RunlabelInput {
  /** The label's value. */
  label: string;
  /** The image's most recent name, else its id. */
  imageName: string;
  imageId: string;
  /** What the user typed for the image. */
  input: string;
  args: readonly string[];
  /** --name, else derived from the image. */
  name: string | undefined;
  /** This program (its argv words), for `podman`/`docker` at the command's head. */
  self: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  pwd: string;
}

/** podman's default container name: the image's last path component without its tag. */
export function runlabelName(imageName: string, imageId: string, input: string): string {
  const normalize = imageId.startsWith(input) ? imageName : input;
  return normalize.split('/').at(-1)!.split(':')[0]!;
}

function replaceWord(arg: string, word: string, value: string): string {
  if (arg === word) return value;
  let out = arg.split(`$${word}`).join(value).split(`\${${word}}`).join(value);
  if (out.endsWith(`=${word}`)) out = out.slice(0, -word.length) + value;
  return out;
}

export function runlabelCommand(i: RunlabelInput): string[] {
  const name = i.name ?? runlabelName(i.imageName, i.imageId, i.input);
  const text = i.args.length ? `${i.label} ${i.args.join(' ')}` : i.label;
  const split = (s: string): string[] => {
    try {
      return shellSplit(s);
    } catch (err) {
      throw new TscRunError(`invalid label command ${JSON.stringify(s)}: ${(err as Error).message}`);
    }
  };
  const words = split(text);
  if (!words.length) throw new TscRunError('the label names no command');
  const base = words[0]!.split('/').at(-1);
  const head = base === 'podman' || base === 'docker' ? i.self : [words[0]!];
  const cmd = [...head, ...words.slice(1).map((a) => (a === 'IMAGE=IMAGE' ? `IMAGE=${i.imageName}` : a === 'NAME=NAME' ? `NAME=${name}` : replaceWord(replaceWord(a, 'NAME', name), 'IMAGE', i.imageName)))];
  // os.Expand over the joined line: only OPT1-3 and PWD have values, every other $VAR is empty.
  const expanded = cmd.join(' ').replace(/\$(\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, _b, braced?: string, bare?: string) => {
    const k = braced ?? bare ?? '';
    if (k === 'PWD') return i.pwd;
    if (k === 'OPT1' || k === 'OPT2' || k === 'OPT3') return i.env[k] ?? '';
    return '';
  });
  // The program's own words are not split again (a path may hold spaces).
  return [...head, ...split(expanded).slice(head.length)];
}
