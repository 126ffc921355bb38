// What a command declares, read from its yargs module without yargs: its
// builder runs against a recorder that keeps options, usage, examples and
// subcommands and ignores the rest. Help, routing and the parity table
// (scripts/parity-table.mjs) all read commands through this, so a flag added
// to a builder shows up everywhere at once.

import type { CommandModule, Options } from 'yargs';

export interface OptionInfo {
  name: string;
  /** One-letter aliases (`-a`); longer aliases are other spellings (`--all`). */
  short?: string;
  aliases: string[];
  type: 'boolean' | 'string' | 'number' | 'count' | 'array' | undefined;
  array: boolean;
  describe: string;
  default?: unknown;
  hidden: boolean;
  /** pflag's type word when it is not derived from the yargs type (`uint`, `stringArray`). */
  goType?: string;
  /** Listed as podman lists it but refused when used, for this reason (the parity table reads it). */
  refused?: string;
}

export interface CommandInfo {
  /** The word as typed (`ls`). */
  name: string;
  aliases: string[];
  /** `tsc-run volume ls`. */
  path: string;
  /** One line, as in `Available Commands:`. */
  short: string;
  /** The description below it; the short line when none. */
  long: string;
  /** `tsc-run volume ls [options]`. */
  useLine: string;
  examples: string[];
  options: OptionInfo[];
  subcommands: CommandInfo[];
  hidden: boolean;
  /** A podman command refused whole (src/cli/commands/refused.ts): the reason it gives. */
  refused?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- modules differ in their argv types
export type AnyCommand = CommandModule<any, any>;

interface Recorded {
  usage?: string;
  examples: string[];
  options: Map<string, Options>;
  aliases: Array<[string, string[]]>;
  hidden: Set<string>;
  commands: AnyCommand[];
}

/** A stand-in for yargs' builder argument: records what the help needs, returns itself for everything else. */
function recorder(rec: Recorded): unknown {
  const addOption = (name: string, opts: Options = {}): void => {
    rec.options.set(name, { ...(rec.options.get(name) ?? {}), ...opts });
  };
  const methods: Record<string, (...args: unknown[]) => void> = {
    option: (name, opts) => addOption(String(name), opts as Options),
    options: (name, opts) => {
      if (typeof name === 'string') addOption(name, opts as Options);
      else for (const [k, v] of Object.entries(name as Record<string, Options>)) addOption(k, v);
    },
    usage: (msg) => {
      if (typeof msg === 'string') rec.usage = msg;
    },
    example: (cmd) => {
      if (Array.isArray(cmd)) for (const c of cmd) rec.examples.push(String([c].flat()[0]));
      else rec.examples.push(String(cmd));
    },
    alias: (key, alias) => {
      if (typeof key === 'string') rec.aliases.push([key, [alias as string | string[]].flat()]);
      else for (const [k, v] of Object.entries(key as Record<string, string | string[]>)) rec.aliases.push([k, [v].flat()]);
    },
    hide: (key) => rec.hidden.add(String(key)),
    command: (...args) => {
      const first = args[0];
      if (Array.isArray(first)) rec.commands.push(...(first as AnyCommand[]));
      else if (first && typeof first === 'object') rec.commands.push(first as AnyCommand);
      else if (typeof first === 'string' || Array.isArray(first)) {
        rec.commands.push({ command: first, describe: args[1] as string | false, builder: args[2] as AnyCommand['builder'], handler: () => {} });
      }
    },
  };
  const proxy: unknown = new Proxy(
    {},
    {
      get: (_t, prop) => {
        if (typeof prop !== 'string') return undefined;
        return (...args: unknown[]) => {
          methods[prop]?.(...args);
          return proxy;
        };
      },
    },
  );
  return proxy;
}

function commandWords(c: AnyCommand): string[] {
  return [c.command ?? ''].flat().map(String);
}

/** `rm [names..]` → `rm`. */
export function commandName(c: AnyCommand): string {
  return commandWords(c)[0]!.split(' ')[0]!;
}

export function commandAliases(c: AnyCommand): string[] {
  return [...commandWords(c).slice(1).map((w) => w.split(' ')[0]!), ...[c.aliases ?? []].flat().map(String)];
}

/** `rm [names..] <x>` → `[NAMES...] X`: what to show when a command gave no usage line. */
function positionalsUse(c: AnyCommand): string {
  return commandWords(c)[0]!
    .split(' ')
    .slice(1)
    .map((w) => {
      const m = /^([<[])([^\]>.]+)(\.\.)?[\]>]$/.exec(w);
      if (!m) return w.toUpperCase();
      const word = `${m[2]!.toUpperCase()}${m[3] ? ` [${m[2]!.toUpperCase()}...]` : ''}`;
      return m[1] === '[' ? `[${word}]` : word;
    })
    .join(' ');
}

function optionInfos(rec: Recorded): OptionInfo[] {
  const extraAliases = new Map<string, string[]>();
  for (const [k, v] of rec.aliases) extraAliases.set(k, [...(extraAliases.get(k) ?? []), ...v]);
  return [...rec.options.entries()].map(([name, o]) => {
    const all = [...[o.alias ?? []].flat(), ...(extraAliases.get(name) ?? [])].map(String);
    const type = o.type ?? (o.boolean ? 'boolean' : o.string ? 'string' : o.number ? 'number' : o.count ? 'count' : undefined);
    const info: OptionInfo = {
      name,
      aliases: all.filter((a) => a.length > 1),
      type,
      array: o.array === true || o.type === 'array',
      describe: typeof o.describe === 'string' ? o.describe : typeof o.description === 'string' ? o.description : typeof o.desc === 'string' ? o.desc : '',
      hidden: o.hidden === true || rec.hidden.has(name),
    };
    const short = all.find((a) => a.length === 1);
    if (short !== undefined) info.short = short;
    if (o.default !== undefined) info.default = o.default;
    const goType = (o as { goType?: unknown }).goType;
    if (typeof goType === 'string') info.goType = goType;
    const refused = (o as { refused?: unknown }).refused;
    if (typeof refused === 'string') info.refused = refused;
    return info;
  });
}

/**
 * A module reused under another group (`load` as `image load`) keeps its own
 * usage text; cobra derives the line from where the command is, so do we:
 * the leading command words are replaced by this path.
 */
function withPath(useLine: string, path: string, names: readonly string[]): string {
  const words = useLine.split(' ');
  let n = 0;
  while (n < words.length && /^[a-z][a-z0-9-]*$/.test(words[n]!)) n++;
  if (n < 2 || !names.includes(words[n - 1]!)) return useLine;
  return [path, ...words.slice(n)].join(' ');
}

/**
 * Read a command module (and, for a group, its subcommands) as `parent`
 * sees it. Lazy: the builder runs when options, usage or subcommands are
 * first read, so routing `tsc-run ps` runs no other command's builder.
 */
export function describeCommand(c: AnyCommand, parent: string): CommandInfo {
  const name = commandName(c);
  const path = parent ? `${parent} ${name}` : name;
  const short = typeof c.describe === 'string' ? c.describe : '';
  let built: Pick<CommandInfo, 'long' | 'useLine' | 'examples' | 'options' | 'subcommands'> | undefined;
  const build = () => {
    if (built) return built;
    const rec: Recorded = { examples: [], options: new Map(), aliases: [], hidden: new Set(), commands: [] };
    const b = c.builder;
    if (typeof b === 'function') (b as (y: unknown) => unknown)(recorder(rec));
    else if (b && typeof b === 'object') for (const [k, v] of Object.entries(b as Record<string, Options>)) rec.options.set(k, v);
    const subcommands = rec.commands.filter((s) => commandName(s) !== '*' && commandName(s) !== '$0').map((s) => describeCommand(s, path));
    // A group's line gets ` [command]` when rendered, as cobra does.
    let useLine = subcommands.length ? path : `${path} [options] ${positionalsUse(c)}`.trimEnd();
    let long = short;
    if (rec.usage) {
      const [first, ...rest] = rec.usage.split('\n');
      useLine = withPath(first!.replace(/^Usage:\s*/, ''), path, [name, ...commandAliases(c)]);
      const desc = rest.join('\n').trim();
      if (desc) long = desc;
    }
    built = { long, useLine, examples: rec.examples, options: optionInfos(rec), subcommands };
    return built;
  };
  return {
    name,
    aliases: commandAliases(c),
    path,
    short,
    // `hidden: true` on a module: runs and has its help, but is not listed (podman's hidden commands, e.g. completion).
    hidden: c.describe === false || (c as { hidden?: unknown }).hidden === true,
    ...refusedReason(c),
    get long() {
      return build().long;
    },
    get useLine() {
      return build().useLine;
    },
    get examples() {
      return build().examples;
    },
    get options() {
      return build().options;
    },
    get subcommands() {
      return build().subcommands;
    },
  };
}

function refusedReason(c: AnyCommand): { refused?: string } {
  const r = (c as { refusedReason?: unknown }).refusedReason;
  return typeof r === 'function' ? { refused: String((r as () => unknown)()) } : {};
}

/** The root: the program's global options and every top-level command. */
export function describeRoot(prog: string, short: string, commands: readonly AnyCommand[], globals: (y: never) => unknown): CommandInfo {
  const root = describeCommand({ command: prog, describe: short, builder: (y) => globals(y.command(commands as AnyCommand[]) as never) as never, handler: () => {} }, '');
  Object.defineProperty(root, 'useLine', { value: `${prog} [options]` });
  return root;
}
