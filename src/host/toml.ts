// TOML for the containers config files (containers.conf, registries.conf,
// storage.conf): smol-toml (TOML 1.0 complete) plus what our readers need
// around it: a one-line error naming the line, and a guard for tables.
// Pure: no I/O.

import { parse, TomlError as SmolTomlError, type TomlTable, type TomlValue } from 'smol-toml';

export type { TomlTable, TomlValue };

export class TomlError extends Error {
  constructor(message: string, readonly line: number) {
    super(`line ${line}: ${message}`);
    this.name = 'TomlError';
  }
}

// A comment line without control characters (those stay, for the parser to refuse).
const COMMENT_LINE = /^[ \t]*#[^\x00-\x08\x0a-\x1f\x7f]*$/gm;

/**
 * Whole-line comments blanked (line numbers kept) unless a multi-line string
 * could hold such a line: podman's containers.conf is 577 comment lines and
 * 24 settings, and smol-toml skipping them cost ~10 ms of every command that
 * reads it (stop, rm, run); the regex, well under 1 ms.
 */
function withoutCommentLines(text: string): string {
  return text.includes('"""') || text.includes("'''") ? text : text.replace(COMMENT_LINE, '');
}

export function parseToml(text: string): TomlTable {
  try {
    // A `__proto__` key in a user's file is refused rather than kept on the object.
    return parse(withoutCommentLines(text), { unsafeKeyBehaviour: 'throw' });
  } catch (err) {
    if (!(err instanceof SmolTomlError)) throw err;
    // smol-toml's message is "Invalid TOML document: WHAT" plus a code frame on the following lines.
    const what = err.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
    throw new TomlError(what, err.line);
  }
}

/** A [table] or {inline table}: not an array, not a date (smol-toml's TomlDate is a Date). */
export function isTomlTable(v: TomlValue | undefined): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}
