// `compose watch`: which paths are watched for which service and what a
// change does, as docker compose v2.24 decides. A service's develop.watch
// rules (path relative to the project directory, action sync |
// sync+restart | rebuild, target, ignore); a watched service needs a build
// section; a rule whose path a bind mount already shares is skipped with a
// warning. A changed host path is ignored when the build context's
// .dockerignore, a `.git` directory, an editor's scratch files or the rule's own
// `ignore` (relative to the rule's path) match it. Pure.

import path from 'node:path';
import { IgnoreMatcher, parseIgnoreFile } from '../build/context/ignore.js';
import { ComposeError } from './errors.js';
import type { Project } from './model.js';

export type WatchAction = 'sync' | 'sync+restart' | 'rebuild';

export interface WatchRule {
  /** Absolute host path. */
  path: string;
  action: WatchAction;
  target?: string | undefined;
  /** The rule's own ignore patterns, relative to its path. */
  ignore: IgnoreMatcher;
}

export interface ServiceWatch {
  service: string;
  rules: WatchRule[];
  /** .dockerignore of the build context, `.git/`, editors' scratch files: relative to the context. */
  contextIgnore: IgnoreMatcher;
  context: string;
}

/** Editors' temporary files (docker compose's EphemeralPathMatcher). */
const EPHEMERAL = ['**/*___jb_old___', '**/*___jb_tmp___', '**/.idea/**', '**/.#*', '**/#*#', '**/4913', '**/*~', '**/.*.swp', '**/.*.swx', '**/.*.swo', '**/.*.swn', '**/.*.kate-swp', '**/*-go-tmp-umask'];

const ACTIONS: readonly string[] = ['sync', 'sync+restart', 'rebuild'];

interface RawRule {
  path?: string;
  action?: string;
  target?: string;
  ignore?: string | string[];
  [k: string]: unknown;
}

/**
 * The watch of each selected service. `readIgnore` reads a build context's
 * .dockerignore (undefined when there is none). Warnings (a path also bind
 * mounted) go to `warn`.
 */
export function watchPlan(p: Project, named: readonly string[], readIgnore: (context: string) => string | undefined, warn: (m: string) => void): ServiceWatch[] {
  const out: ServiceWatch[] = [];
  const names = named.length ? named : Object.keys(p.services).sort();
  for (const name of names) {
    const s = p.services[name];
    if (!s) throw new ComposeError(`no such service: ${name}`);
    const develop = s.develop as { watch?: RawRule[] } | undefined;
    const rules = develop?.watch ?? [];
    if ((rules.length || named.length) && !s.build) throw new ComposeError(`can't watch service "${name}" without a build context`);
    if (!rules.length) continue;
    const context = s.build!.context;
    const watch: WatchRule[] = [];
    for (const [i, r] of rules.entries()) {
      const where = `services.${name}.develop.watch[${i}]`;
      for (const k of Object.keys(r)) {
        if (!['path', 'action', 'target', 'ignore'].includes(k)) throw new ComposeError(`${where}.${k}: not supported by tsc-run compose (docker compose 2.24 has no ${k} either)`);
      }
      if (!r.path) throw new ComposeError(`${where}: watch rules MUST define a path`);
      if (!r.action || !ACTIONS.includes(r.action)) throw new ComposeError(`${where}.action: invalid action ${JSON.stringify(r.action ?? '')} (sync, sync+restart or rebuild)`);
      if (r.action !== 'rebuild' && !r.target) throw new ComposeError(`${where}.target: a ${r.action} rule needs a target in the container`);
      const abs = path.resolve(p.workingDir, r.path);
      const bound = (s.volumes ?? []).some((v) => v.type === 'bind' && v.source !== undefined && isChild(path.resolve(p.workingDir, v.source), abs));
      if (bound) {
        warn(`path '${abs}' also declared by a bind mount volume, this path won't be monitored!`);
        continue;
      }
      const ignore = [r.ignore ?? []].flat().join('\n');
      watch.push({ path: abs, action: r.action as WatchAction, target: r.target, ignore: new IgnoreMatcher(parseIgnoreFile(ignore)) });
    }
    const fromFile = readIgnore(context) ?? '';
    out.push({ service: name, rules: watch, context, contextIgnore: new IgnoreMatcher(parseIgnoreFile([fromFile, '**/.git', ...EPHEMERAL].join('\n'))) });
  }
  if (!out.some((w) => w.rules.length)) throw new ComposeError("none of the selected services is configured for watch, consider setting an 'develop' section");
  return out;
}

export function isChild(parent: string, p: string): boolean {
  const rel = path.relative(parent, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export interface FileEvent {
  action: WatchAction;
  hostPath: string;
  /** Where it goes in the container (sync rules). */
  containerPath?: string | undefined;
}

/** What a change of `hostPath` means for a service: one event per rule it falls under and is not ignored by. */
export function fileEvents(w: ServiceWatch, hostPath: string): FileEvent[] {
  const out: FileEvent[] = [];
  for (const r of w.rules) {
    if (!isChild(r.path, hostPath)) continue;
    if (isChild(w.context, hostPath)) {
      const rel = path.relative(w.context, hostPath).split(path.sep).join('/');
      if (rel && w.contextIgnore.ignored(rel)) continue;
    } else if (w.contextIgnore.ignored(path.basename(hostPath))) continue;
    const relToRule = path.relative(r.path, hostPath).split(path.sep).join('/');
    if (relToRule && r.ignore.ignored(relToRule)) continue;
    out.push({ action: r.action, hostPath, containerPath: r.target === undefined ? undefined : path.posix.join(r.target, relToRule) });
  }
  return out;
}
