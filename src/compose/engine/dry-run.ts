// `compose --dry-run`: the command runs as usual against an engine that
// answers reads (ps, inspect, ls, logs...) truthfully and only pretends
// writes (create, run, start, stop, rm, volume/network create and rm, pull,
// build...): the plan is walked and printed, nothing is created, started,
// stopped or removed. As docker compose's dry-run API client; its progress
// lines carry docker compose's " DRY-RUN MODE - " prefix.

import { randomBytes } from 'node:crypto';
import type { Engine, RunResult } from './runner.js';

export const DRY_RUN_PREFIX = ' DRY-RUN MODE - ';

const READS = new Set([
  'ps', 'inspect', 'images', 'logs', 'top', 'port', 'events', 'version', 'info',
  'container inspect', 'container exists', 'container ls', 'container list', 'container ps',
  'image inspect', 'image exists', 'image ls', 'image list',
  'volume ls', 'volume list', 'volume inspect', 'volume exists',
  'network ls', 'network list', 'network inspect', 'network exists',
]);

/** Whether `tsc-run ARGS` only reads (its command, or group and command, is a read). */
export function isRead(args: readonly string[]): boolean {
  const words = args.filter((a) => !a.startsWith('-'));
  return READS.has(words[0] ?? '') || READS.has(`${words[0]} ${words[1]}`);
}

/** What a pretended write prints: an id for create/run -d, exit 0 for wait. */
function pretend(args: readonly string[]): RunResult {
  const cmd = args.find((a) => !a.startsWith('-'));
  if (cmd === 'create' || cmd === 'run') return { code: 0, stdout: `${randomBytes(32).toString('hex')}\n`, stderr: '' };
  if (cmd === 'wait') return { code: 0, stdout: '0\n', stderr: '' };
  return { code: 0, stdout: '', stderr: '' };
}

export function dryRunEngine(real: Engine): Engine {
  return {
    capture: (args, input, timeoutMs) => (isRead(args) ? real.capture(args, input, timeoutMs) : Promise.resolve(pretend(args))),
    inherit: (args) => (isRead(args) ? real.inherit(args) : Promise.resolve(0)),
    stream: (args, onLine) => (isRead(args) ? real.stream(args, onLine) : { done: Promise.resolve(0), kill: () => {} }),
    must: (args, input) => (isRead(args) ? real.must(args, input) : Promise.resolve(pretend(args).stdout)),
  };
}
