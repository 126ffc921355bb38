// Logical lines → typed instructions, with Docker's syntax rules: the
// keyword (any case), `--flag[=value]` options before the arguments (only
// those each instruction knows), exec form (a JSON array of strings) or
// shell form, ENV/LABEL/ARG pairs. Everything here is checked before any
// step runs; variables are substituted later, when a step's environment is
// known. Pure.

import { ContainerfileError } from './errors.js';
import type { Heredoc, LogicalLine } from './lines.js';
import { rawWords, splitPair } from './words.js';

export type CommandForm = { exec: string[] } | { shell: string };

interface Base {
  line: number;
  /** The instruction as written (continuations joined), for history and errors. */
  original: string;
}

export type Instruction =
  | (Base & { kind: 'FROM'; image: string; name?: string; platform?: string })
  | (Base & { kind: 'RUN'; command: CommandForm; heredocs: Heredoc[]; mounts: string[]; network?: string; security?: string })
  | (Base & { kind: 'CMD' | 'ENTRYPOINT'; command: CommandForm })
  | (Base & {
      kind: 'COPY' | 'ADD';
      /** Sources and destination, before substitution (exec form: already split). */
      args: string[];
      json: boolean;
      heredocs: Heredoc[];
      from?: string;
      chown?: string;
      chmod?: string;
      link: boolean;
      checksum?: string;
      keepGitDir: boolean;
      parents: boolean;
      exclude: string[];
    })
  | (Base & { kind: 'ENV' | 'LABEL'; pairs: Array<{ key: string; value: string }> })
  | (Base & { kind: 'ARG'; args: Array<{ name: string; value?: string }> })
  | (Base & { kind: 'EXPOSE'; ports: string })
  | (Base & { kind: 'VOLUME'; paths: string[]; json: boolean })
  | (Base & { kind: 'WORKDIR' | 'USER' | 'STOPSIGNAL' | 'MAINTAINER'; value: string })
  | (Base & { kind: 'SHELL'; shell: string[] })
  | (Base & { kind: 'HEALTHCHECK'; none: true })
  | (Base & {
      kind: 'HEALTHCHECK';
      none: false;
      command: CommandForm;
      interval?: number;
      timeout?: number;
      startPeriod?: number;
      startInterval?: number;
      retries?: number;
    })
  | (Base & { kind: 'ONBUILD'; trigger: Instruction; text: string });

export type InstructionKind = Instruction['kind'];

const FLAGS: Record<string, readonly string[]> = {
  FROM: ['platform'],
  RUN: ['mount', 'network', 'security'],
  COPY: ['from', 'chown', 'chmod', 'link', 'parents', 'exclude'],
  ADD: ['chown', 'chmod', 'link', 'checksum', 'keep-git-dir', 'exclude'],
  HEALTHCHECK: ['interval', 'timeout', 'start-period', 'start-interval', 'retries'],
};
const MULTI = new Set(['mount', 'exclude']);
const BOOL = new Set(['link', 'parents', 'keep-git-dir']);
const KEYWORDS = new Set([
  'FROM', 'RUN', 'CMD', 'ENTRYPOINT', 'COPY', 'ADD', 'ENV', 'LABEL', 'ARG', 'EXPOSE', 'VOLUME', 'WORKDIR', 'USER',
  'STOPSIGNAL', 'MAINTAINER', 'SHELL', 'HEALTHCHECK', 'ONBUILD',
]);

/** A JSON array of strings, or undefined when the text is not one (shell form). */
export function jsonArray(text: string): string[] | undefined {
  const t = text.trim();
  if (!t.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v;
  } catch {
    /* shell form */
  }
  return undefined;
}

/** Leading `--name[=value]` words: the flags and the rest of the text. */
function takeFlags(file: string, line: number, keyword: string, text: string): { flags: Map<string, string[]>; rest: string } {
  const flags = new Map<string, string[]>();
  let rest = text;
  for (;;) {
    const m = /^--([A-Za-z][A-Za-z0-9-]*)(=(\S*))?(\s+|$)/.exec(rest);
    if (!m) break;
    const name = m[1]!;
    const allowed = FLAGS[keyword] ?? [];
    if (!allowed.includes(name)) throw new ContainerfileError(file, line, `unknown flag: ${name}`);
    let value = m[3];
    if (value === undefined) {
      if (!BOOL.has(name)) throw new ContainerfileError(file, line, `missing a value on flag: ${name}`);
      value = 'true';
    } else if (BOOL.has(name) && value !== 'true' && value !== 'false') {
      throw new ContainerfileError(file, line, `expecting boolean value for flag ${name}, not: ${value}`);
    }
    const list = flags.get(name) ?? [];
    if (list.length && !MULTI.has(name)) throw new ContainerfileError(file, line, `duplicate flag specified: ${name}`);
    list.push(value);
    flags.set(name, list);
    rest = rest.slice(m[0].length);
  }
  return { flags, rest: rest.trim() };
}

/** Go duration strings as HEALTHCHECK takes them (`30s`, `1m30s`, `500ms`) → nanoseconds. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  const unit: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  let pos = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * unit[m[2]!]!;
    pos = re.lastIndex;
  }
  return pos === text.length && pos > 0 ? Math.round(total) : undefined;
}

function commandForm(text: string): CommandForm {
  const exec = jsonArray(text);
  return exec ? { exec } : { shell: text };
}

function pairs(file: string, line: number, keyword: 'ENV' | 'LABEL', text: string, esc: string): Array<{ key: string; value: string }> {
  const words = rawWords(text, esc);
  if (words.length === 0) throw new ContainerfileError(file, line, `${keyword} requires at least one argument`);
  if (!words[0]!.includes('=')) {
    // The old form `ENV key value...` (and `LABEL key value...`, which buildah
    // takes too): one pair, the value the rest of the line.
    const m = /^(\S+)\s+([\s\S]*)$/.exec(text.trim());
    if (!m) throw new ContainerfileError(file, line, `${keyword} must have two arguments`);
    return [{ key: m[1]!, value: m[2]! }];
  }
  return words.map((w) => {
    const p = splitPair(w);
    if (!p) throw new ContainerfileError(file, line, `${keyword} names can not be blank: missing '=' in ${JSON.stringify(w)}`);
    if (p.key === '') throw new ContainerfileError(file, line, `${keyword} names can not be blank`);
    return p;
  });
}

function healthcheck(file: string, line: number, original: string, flags: Map<string, string[]>, rest: string): Instruction {
  const words = rest.split(/\s+/);
  const type = words[0]?.toUpperCase();
  if (type === 'NONE') {
    if (words.length > 1 || flags.size) throw new ContainerfileError(file, line, "HEALTHCHECK NONE takes no arguments");
    return { kind: 'HEALTHCHECK', line, original, none: true };
  }
  if (type !== 'CMD') throw new ContainerfileError(file, line, `unknown type ${JSON.stringify(words[0] ?? '')} in HEALTHCHECK (try CMD)`);
  const cmdText = rest.slice(words[0]!.length).trim();
  if (!cmdText) throw new ContainerfileError(file, line, 'HEALTHCHECK CMD needs a command');
  const out: Instruction = { kind: 'HEALTHCHECK', line, original, none: false, command: commandForm(cmdText) };
  for (const [name, key] of [['interval', 'interval'], ['timeout', 'timeout'], ['start-period', 'startPeriod'], ['start-interval', 'startInterval']] as const) {
    const v = flags.get(name)?.[0];
    if (v === undefined) continue;
    const d = parseDuration(v);
    if (d === undefined) throw new ContainerfileError(file, line, `time: invalid duration ${JSON.stringify(v)}`);
    if (d !== 0 && d < 1e6) throw new ContainerfileError(file, line, `${name} cannot be less than 1ms`);
    out[key] = d;
  }
  const r = flags.get('retries')?.[0];
  if (r !== undefined) {
    if (!/^\d+$/.test(r)) throw new ContainerfileError(file, line, `strconv.ParseInt: parsing ${JSON.stringify(r)}: invalid syntax`);
    if (Number(r) < 1) throw new ContainerfileError(file, line, '--retries must be at least 1');
    out.retries = Number(r);
  }
  return out;
}

/** One logical line → an instruction. `inOnbuild` forbids what ONBUILD may not trigger. */
export function parseInstruction(file: string, l: LogicalLine, esc: string, inOnbuild = false): Instruction {
  const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(l.text);
  const keyword = (m?.[1] ?? '').toUpperCase();
  const text = (m?.[2] ?? '').trim();
  const line = l.line;
  const original = l.text;
  if (!KEYWORDS.has(keyword)) throw new ContainerfileError(file, line, `unknown instruction: ${m?.[1] ?? l.text}`);
  if (inOnbuild && (keyword === 'ONBUILD' || keyword === 'FROM' || keyword === 'MAINTAINER')) {
    throw new ContainerfileError(file, line, `${keyword} isn't allowed as an ONBUILD trigger`);
  }
  const { flags, rest } = takeFlags(file, line, keyword, text);
  const need = (what = 'at least one argument') => {
    if (!rest) throw new ContainerfileError(file, line, `${keyword} requires ${what}`);
  };
  switch (keyword) {
    case 'FROM': {
      need();
      const w = rest.split(/\s+/);
      if (w.length !== 1 && !(w.length === 3 && w[1]!.toUpperCase() === 'AS')) {
        throw new ContainerfileError(file, line, 'FROM requires either one or three arguments (FROM IMAGE [AS NAME])');
      }
      const name = w.length === 3 ? w[2]!.toLowerCase() : undefined;
      if (name !== undefined && !/^[a-z][a-z0-9_.-]*$/.test(name)) throw new ContainerfileError(file, line, `invalid name for build stage: ${JSON.stringify(w[2])}, name can't start with a number or contain symbols`);
      const platform = flags.get('platform')?.[0];
      return { kind: 'FROM', line, original, image: w[0]!, ...(name ? { name } : {}), ...(platform ? { platform } : {}) };
    }
    case 'RUN': {
      if (!rest && l.heredocs.length === 0) need();
      const network = flags.get('network')?.[0];
      if (network !== undefined && !['default', 'none', 'host'].includes(network)) throw new ContainerfileError(file, line, `unsupported network mode ${JSON.stringify(network)}: want default, none or host`);
      const security = flags.get('security')?.[0];
      if (security !== undefined && !['sandbox', 'insecure'].includes(security)) throw new ContainerfileError(file, line, `unsupported security mode ${JSON.stringify(security)}`);
      return {
        kind: 'RUN',
        line,
        original,
        command: commandForm(rest),
        heredocs: l.heredocs,
        mounts: flags.get('mount') ?? [],
        ...(network ? { network } : {}),
        ...(security ? { security } : {}),
      };
    }
    case 'CMD':
    case 'ENTRYPOINT':
      return { kind: keyword, line, original, command: commandForm(rest) };
    case 'COPY':
    case 'ADD': {
      const exec = jsonArray(rest);
      const args = exec ?? rawWords(rest, esc);
      const heredocNames = l.heredocs.length;
      if (args.length < 2 && !(heredocNames && args.length >= 1)) throw new ContainerfileError(file, line, `${keyword} requires at least two arguments, but only ${args.length} provided`);
      const chmod = flags.get('chmod')?.[0];
      if (chmod !== undefined && !/^[0-7]{3,4}$/.test(chmod) && !/[$]/.test(chmod)) throw new ContainerfileError(file, line, `invalid chmod parameter ${JSON.stringify(chmod)}: it must be an octal mode such as 0755`);
      const checksum = flags.get('checksum')?.[0];
      if (checksum !== undefined && !/^sha(256|384|512):[0-9a-f]+$/.test(checksum)) throw new ContainerfileError(file, line, `invalid checksum ${JSON.stringify(checksum)}: want sha256:<hex>`);
      const from = flags.get('from')?.[0];
      const chown = flags.get('chown')?.[0];
      return {
        kind: keyword,
        line,
        original,
        args,
        json: exec !== undefined,
        heredocs: l.heredocs,
        ...(from !== undefined ? { from } : {}),
        ...(chown !== undefined ? { chown } : {}),
        ...(chmod !== undefined ? { chmod } : {}),
        ...(checksum !== undefined ? { checksum } : {}),
        link: flags.get('link')?.[0] === 'true',
        keepGitDir: flags.get('keep-git-dir')?.[0] === 'true',
        parents: flags.get('parents')?.[0] === 'true',
        exclude: flags.get('exclude') ?? [],
      };
    }
    case 'ENV':
    case 'LABEL':
      return { kind: keyword, line, original, pairs: pairs(file, line, keyword, rest, esc) };
    case 'ARG': {
      need();
      const args = rawWords(rest, esc).map((w) => {
        const p = splitPair(w);
        const name = p ? p.key : w;
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ContainerfileError(file, line, `invalid ARG name ${JSON.stringify(name)}`);
        return p ? { name, value: p.value } : { name };
      });
      return { kind: 'ARG', line, original, args };
    }
    case 'EXPOSE':
      need();
      // Literal ports are checked now; ones with variables when the step runs.
      for (const w of rawWords(rest, esc).filter((x) => !x.includes('$'))) {
        const pm = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(w);
        if (!pm) throw new ContainerfileError(file, line, `invalid containerPort: ${w}`);
        const lo = Number(pm[1]);
        const hi = pm[2] !== undefined ? Number(pm[2]) : lo;
        if (lo < 1 || hi > 65535 || hi < lo) throw new ContainerfileError(file, line, `invalid port range: ${w}`);
      }
      return { kind: 'EXPOSE', line, original, ports: rest };
    case 'VOLUME': {
      need();
      const exec = jsonArray(rest);
      if (exec && exec.some((p) => p.trim() === '')) throw new ContainerfileError(file, line, 'VOLUME specified can not be an empty string');
      return { kind: 'VOLUME', line, original, paths: exec ?? rawWords(rest, esc), json: exec !== undefined };
    }
    case 'WORKDIR':
    case 'USER':
    case 'STOPSIGNAL':
    case 'MAINTAINER':
      need(keyword === 'MAINTAINER' ? 'at least one argument' : 'exactly one argument');
      if (keyword !== 'MAINTAINER' && keyword !== 'WORKDIR' && rawWords(rest, esc).length !== 1) throw new ContainerfileError(file, line, `${keyword} requires exactly one argument`);
      return { kind: keyword, line, original, value: rest };
    case 'SHELL': {
      const shell = jsonArray(rest);
      if (!shell) throw new ContainerfileError(file, line, 'SHELL requires the arguments to be in JSON form');
      if (shell.length === 0) throw new ContainerfileError(file, line, 'SHELL requires at least one argument');
      return { kind: 'SHELL', line, original, shell };
    }
    case 'HEALTHCHECK':
      need();
      return healthcheck(file, line, original, flags, rest);
    case 'ONBUILD': {
      need();
      const trigger = parseInstruction(file, { line, text: rest, heredocs: l.heredocs }, esc, true);
      return { kind: 'ONBUILD', line, original, trigger, text: rest };
    }
  }
  throw new ContainerfileError(file, line, `unknown instruction: ${keyword}`);
}
