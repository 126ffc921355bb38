// `top CTR DESCRIPTORS...` with a descriptor psgo does not know: podman 4.3
// then runs ps(1) inside the container with the words as its arguments
// (docker compatibility), prints ps's lines as they are, minus the line of
// that ps itself, and fails with ps's stderr when ps fails.

import { TscRunError } from '../../errors.js';
import type { Roots } from '../../config/paths.js';
import type { ContainerRecord } from '../../storage/containers.js';
import { execInContainer } from '../exec/exec-container.js';

/** google/shlex's split, as podman applies it to each word (quotes, backslash, `#` comments); podman's error. */
export function shlexSplit(s: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const push = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      push();
      i++;
    } else if (c === '#' && word === undefined) {
      while (i < s.length && s[i] !== '\n') i++;
    } else if (c === '\\') {
      if (i + 1 >= s.length) throw new TscRunError('parsing ps args: EOF found after escape character');
      word = (word ?? '') + s[i + 1];
      i += 2;
    } else if (c === "'" || c === '"') {
      word ??= '';
      i++;
      for (;;) {
        if (i >= s.length) throw new TscRunError('parsing ps args: EOF found when expecting closing quote');
        const q = s[i]!;
        if (q === c) break;
        if (c === '"' && q === '\\') {
          if (i + 1 >= s.length) throw new TscRunError('parsing ps args: EOF found after escape character');
          word += s[i + 1];
          i += 2;
          continue;
        }
        word += q;
        i++;
      }
      i++;
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  push();
  return words;
}

/** ps's output without the line of the ps we ran (its command line holds the words as given). */
export function filterPsOutput(stdout: string, descriptors: readonly string[]): string[] {
  const cmd = descriptors.join(' ');
  const lines = stdout.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.filter((l) => !l.includes(cmd));
}

/** Run `ps WORDS...` in the running container; its lines (podman's messages when it fails). */
export async function psInContainer(roots: Roots, rec: ContainerRecord, descriptors: readonly string[]): Promise<string[]> {
  const args = descriptors.flatMap(shlexSplit).filter((w) => w !== '');
  const capture = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  let code: number;
  try {
    const r = await execInContainer({
      roots,
      container: rec,
      command: ['ps', ...args],
      flags: { detach: false, interactive: false, tty: false, env: [], envFiles: [], privileged: false, capture },
    });
    code = 'code' in r ? r.code : 0;
  } catch (err) {
    if (err instanceof TscRunError) throw new TscRunError(`executing ps(1) in the container: ${err.message}`, undefined, { cause: err });
    throw err;
  }
  if (code !== 0) {
    const errLines = Buffer.concat(capture.stderr).toString('utf8').split('\n');
    if (errLines.at(-1) === '') errLines.pop();
    throw new TscRunError(`executing ps(1) in the container: runtime failed with exit status: ${code} and output: ${errLines.join(' ')}`);
  }
  return filterPsOutput(Buffer.concat(capture.stdout).toString('utf8'), descriptors);
}
