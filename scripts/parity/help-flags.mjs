#!/usr/bin/env zx
// Side by side: the Options: table of `podman CMD --help` (4.3 here) and of
// `tsc-run CMD --help` for the container commands: flag names, shorthands
// and pflag value-type words. Prints one line per difference; exit 1 if any.
//
//   zx scripts/parity/help-flags.mjs [--bin dist/tsc-run-dev] [CMD ...]
import 'zx/globals';

$.verbose = false;
export const CONTAINER_COMMANDS = [
  'run', 'create', 'ps', 'logs', 'inspect', 'stop', 'kill', 'rm', 'wait', 'start', 'restart', 'attach', 'exec', 'cp', 'diff',
  'export', 'commit', 'port', 'top', 'stats', 'rename', 'mount', 'unmount', 'container checkpoint', 'container restore',
  'container clone', 'container prune', 'container exists', 'container cleanup', 'container init', 'pause', 'unpause', 'container inspect',
  'container list', 'container ls',
];
const TYPE = /^(string|strings|stringArray|int|uint|float|tmpfs|duration|[A-Z_:]+|\[a-Z\]|<number>\[<unit>\]|DEVICE_NAME:WEIGHT)$/;

/** `-s --name type` of each row of a help's Options: table. */
export function flagRows(help) {
  const opts = help.split('\nOptions:\n')[1] ?? '';
  return opts
    .split('\n')
    .filter((l) => /^ {2}(-\w, | {4})--/.test(l))
    .map((l) => {
      const m = /^ {2}(?:-(\w), | {4})--(\S+)(?: (\S+))?/.exec(l);
      const type = m[3] && TYPE.test(m[3]) ? m[3] : '';
      return `${m[1] ? `-${m[1]} ` : ''}--${m[2]} ${type}`.trim();
    });
}

const bin = argv.bin ?? path.join(path.dirname(new URL(import.meta.url).pathname), '../../dist/tsc-run-dev');
const cmds = argv._.length ? argv._ : CONTAINER_COMMANDS;
let diffs = 0;
for (const cmd of cmds) {
  const words = cmd.split(' ');
  const [p, t] = await Promise.all([$`podman ${words} --help`.nothrow(), $`${bin} ${words} --help`.nothrow()]);
  if (t.exitCode !== 0) {
    console.log(`${cmd}: tsc-run --help exit ${t.exitCode}: ${t.stderr.split('\n')[0]}`);
    diffs++;
    continue;
  }
  const pr = flagRows(p.stdout);
  const tr = flagRows(t.stdout);
  const missing = pr.filter((r) => !tr.includes(r));
  const extra = tr.filter((r) => !pr.includes(r));
  for (const r of missing) console.log(`${cmd}: podman only: ${r}`);
  for (const r of extra) console.log(`${cmd}: tsc-run only: ${r}`);
  diffs += missing.length + extra.length;
}
console.log(`${diffs} difference(s)`);
process.exitCode = diffs ? 1 : 0;
