// Boolean keys written as strings: the schema lets `privileged: ${PRIV}`
// through as a string, and after interpolation the string must be read the
// way docker compose reads it (compose-go: y/yes/true/on, n/no/false/off,
// any case) or refused; before, anything but "true" quietly meant false and
// `external: "false"` meant true. Pure.

import { ComposeFileError } from './errors.js';
import { isPlainObject } from './yaml-read.js';

type Tree = Record<string, unknown>;

/** Where the spec has booleans; `*` is any map key or list index. */
const PATHS = [
  'services.*.privileged',
  'services.*.read_only',
  'services.*.init',
  'services.*.tty',
  'services.*.stdin_open',
  'services.*.oom_kill_disable',
  'services.*.attach',
  'services.*.build.no_cache',
  'services.*.build.pull',
  'services.*.build.privileged',
  'services.*.healthcheck.disable',
  'services.*.depends_on.*.restart',
  'services.*.depends_on.*.required',
  'services.*.volumes.*.read_only',
  'services.*.volumes.*.bind.create_host_path',
  'services.*.volumes.*.volume.nocopy',
  'services.*.env_file.*.required',
  'networks.*.internal',
  'networks.*.enable_ipv4',
  'networks.*.enable_ipv6',
  'networks.*.attachable',
  'networks.*.external',
  'volumes.*.external',
  'secrets.*.external',
  'configs.*.external',
].map((p) => p.split('.'));

/** docker compose's reading of a boolean string, or undefined. */
export function parseBoolean(s: string): boolean | undefined {
  const v = s.toLowerCase();
  if (v === 'y' || v === 'yes' || v === 'true' || v === 'on') return true;
  if (v === 'n' || v === 'no' || v === 'false' || v === 'off') return false;
  return undefined;
}

/** The file's boolean keys given as strings made booleans (in place); a string that is none fails naming its key. */
export function coerceBooleans(file: string, tree: Tree): void {
  const walk = (node: unknown, rest: readonly string[], at: string[]): void => {
    if (!rest.length || (!isPlainObject(node) && !Array.isArray(node))) return;
    const [head, ...tail] = rest;
    const entries: Array<[string, unknown]> = Array.isArray(node) ? node.map((v, i) => [String(i), v]) : Object.entries(node);
    for (const [k, v] of entries) {
      if (head !== '*' && head !== k) continue;
      const here = [...at, Array.isArray(node) ? `[${k}]` : k];
      if (tail.length) {
        walk(v, tail, here);
        continue;
      }
      if (typeof v !== 'string') continue;
      const b = parseBoolean(v);
      const key = here.join('.').replace(/\.\[/g, '[');
      if (b === undefined) throw new ComposeFileError(file, key, `invalid boolean ${JSON.stringify(v)}`);
      (node as Tree)[k] = b;
    }
  };
  for (const p of PATHS) walk(tree, p, []);
}
