// Help text in podman 4.3's layout (cobra templates in cmd/podman/root.go,
// pflag's flag table). Pure: CommandInfo in, text out.

import type { CommandInfo, OptionInfo } from './command-info.js';

/** pflag's placeholder after the flag name: a `backquoted` word in the text, else the type's name. */
function varName(o: OptionInfo): { name: string; usage: string } {
  if (o.goType) return { name: o.goType, usage: o.describe };
  const q = /`([^`]+)`/.exec(o.describe);
  if (q) return { name: q[1]!, usage: o.describe.replace(/`([^`]+)`/, '$1') };
  const name = o.type === 'boolean' || o.type === 'count' ? '' : o.type === 'number' ? 'int' : o.array ? 'strings' : o.type === undefined && !o.array ? '' : 'string';
  return { name, usage: o.describe };
}

function defaultText(o: OptionInfo): string {
  const d = o.default;
  if (d === undefined || d === false || d === '' || /\(default\b/.test(o.describe)) return '';
  if (Array.isArray(d)) return d.length ? ` (default [${d.join(',')}])` : '';
  if (typeof d === 'string') return ` (default ${JSON.stringify(d)})`;
  if (typeof d === 'number' || typeof d === 'boolean') return ` (default ${String(d)})`;
  return '';
}

/** The `Options:` table: sorted by name, usage column after the widest flag. */
export function flagTable(options: readonly OptionInfo[]): string {
  // cobra lists its own --help when a command's -h means something else (run -h is --hostname).
  const shown = options.some((o) => o.short === 'h' && o.name !== 'help') ? [...options, { name: 'help', aliases: [], type: 'boolean' as const, array: false, describe: '', hidden: false }] : options;
  const rows = shown
    .filter((o) => !o.hidden)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((o) => {
      const v = varName(o);
      const left = `  ${o.short !== undefined ? `-${o.short}, ` : '    '}--${o.name}${v.name ? ` ${v.name}` : ''}`;
      return { left, usage: v.usage + defaultText(o) };
    });
  const width = Math.max(0, ...rows.map((r) => r.left.length)) + 3;
  return rows.map((r) => `${r.left.padEnd(width)}${r.usage.replace(/\n/g, `\n${' '.repeat(width)}`)}`.trimEnd() + '\n').join('');
}

function commandTable(subs: readonly CommandInfo[], withHelp: boolean): string {
  const shown = subs.filter((s) => !s.hidden).map((s) => ({ name: s.name, short: s.short }));
  if (withHelp) shown.push({ name: 'help', short: 'Help about any command' });
  shown.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const pad = Math.max(11, ...shown.map((s) => s.name.length));
  return shown.map((s) => `  ${s.name.padEnd(pad)} ${s.short}`.trimEnd() + '\n').join('');
}

/** cobra's usage template as podman sets it (without inherited flags). */
export function usageText(c: CommandInfo, isRoot = false): string {
  const groups = c.subcommands.some((s) => !s.hidden);
  const flags = flagTable(c.options);
  // A command with no flags to show (one refused whole) does not promise any: no `[options]` without `Options:`.
  const useLine = flags ? c.useLine : c.useLine.replace(' [options]', '');
  let out = `Usage:\n  ${useLine}${groups ? ' [command]' : ''}\n`;
  if (c.aliases.length) out += `\nAliases:\n  ${[c.name, ...c.aliases].join(', ')}\n`;
  if (c.examples.length) out += `\nExamples:\n${c.examples.map((e) => `  ${e}\n`).join('')}`;
  if (groups) out += `\nAvailable Commands:\n${commandTable(c.subcommands, isRoot)}`;
  if (flags) out += `\nOptions:\n${flags}`;
  // The root has no inherited flags; every other command ends with cobra's extra blank line.
  return isRoot ? out : `${out}\n`;
}

/** `tsc-run [CMD...] --help`. */
export function helpText(c: CommandInfo, isRoot = false): string {
  if (isRoot) return `${c.long}\n\n${usageText(c, true)}`;
  const long = c.long.split('\n').map((l) => (l ? `  ${l}` : '')).join('\n');
  return `${c.short}\n\nDescription:\n${long}\n\n${usageText(c)}`;
}
