// .containerignore / .dockerignore with Docker's rules (moby patternmatcher):
// one pattern a line, `#` comments, blank lines skipped, paths cleaned and
// taken from the context root (a leading `/` means the same), `*` `?` `[...]`
// within one path element, `**` any number of elements, `!` re-includes,
// the last matching pattern wins, and a pattern matching a directory
// matches everything under it. Pure.

import path from 'node:path';

export interface IgnorePattern {
  text: string;
  exclusion: boolean;
  re: RegExp;
}

function escapeRe(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

/** One cleaned pattern → an anchored regular expression over `/`-separated relative paths. */
export function compilePattern(pattern: string): RegExp {
  let re = '^';
  const p = pattern;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*') {
      if (p[i + 1] === '*') {
        i++;
        // `**/` at an element boundary: zero or more directories.
        if (p[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = p.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let cls = p.slice(i + 1, end);
      if (cls.startsWith('^') || cls.startsWith('!')) cls = `^${cls.slice(1)}`;
      re += `[${cls.replace(/\\/g, '\\\\').replace(/\//g, '')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < p.length) {
      re += escapeRe(p[++i]!);
    } else re += escapeRe(c);
  }
  return new RegExp(`${re}$`);
}

/** The patterns of an ignore file's text. */
export function parseIgnoreFile(text: string): IgnorePattern[] {
  const out: IgnorePattern[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    let exclusion = false;
    if (line.startsWith('!')) {
      exclusion = true;
      line = line.slice(1).trim();
    }
    let clean = path.posix.normalize(line);
    clean = clean.replace(/^\/+/, '').replace(/\/+$/, '');
    if (clean === '' || clean === '.') continue;
    out.push({ text: clean, exclusion, re: compilePattern(clean) });
  }
  return out;
}

export class IgnoreMatcher {
  /** `file`: the ignore file the patterns came from, which errors name. */
  constructor(
    readonly patterns: readonly IgnorePattern[],
    readonly file?: string,
  ) {}

  get empty(): boolean {
    return this.patterns.length === 0;
  }

  /**
   * Whether the walk goes into the ignored directory `dir` for what an
   * exclusion pattern may re-include. buildah 1.28's copier rule, kept
   * literally: only when `dir` is a string prefix of such a pattern plus
   * `/`, so `!subdir1/sub3*` opens subdir1 (where a pattern for any
   * directory's sub1 then re-includes subdir1/sub1) but that pattern alone
   * opens no ignored directory (podman's bats "COPY with ignore",
   * buildah#3486).
   */
  mayReinclude(dir: string): boolean {
    return this.patterns.some((p) => p.exclusion && `${p.text}/`.startsWith(dir));
  }

  /** Whether `rel` (relative, `/`-separated) is ignored: itself or a parent matched, last pattern wins. */
  ignored(rel: string): boolean {
    const parts = rel.split('/');
    let matched = false;
    for (const p of this.patterns) {
      let hit = false;
      for (let n = parts.length; n >= 1 && !hit; n--) hit = p.re.test(parts.slice(0, n).join('/'));
      if (hit) matched = !p.exclusion;
    }
    return matched;
  }
}
