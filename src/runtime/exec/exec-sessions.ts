// A container's exec sessions, minimally (podman's ExecIDs): one record per
// session in `<runroot>/containers/<id>/exec/<session>.json` while it runs,
// and `<session>.exit` that a detached session's helper writes when it
// ends. A foreground `exec` removes its record itself; a detached one's
// exit command (`container cleanup --exec SESSION ID`) does, after telling
// of the exit (exec_died). Records older than the container's current run
// are leftovers and are not listed. A record also names the helper that
// watches the session: if that helper was killed (-9) before the session's
// end was written, nobody will remove the record, so readers drop it.

import fs from 'node:fs';
import path from 'node:path';
import { containerRuntimePaths } from '../monitor/runtime-dir.js';
import { isAlive, isProcStamp, type ProcStamp } from '../../storage/proc-stamp.js';

export interface ExecSessionRecord {
  id: string;
  command: string[];
  tty: boolean;
  interactive: boolean;
  detached: boolean;
  /** RFC 3339. */
  startedAt: string;
  /** The helper process that watches the session to its end. */
  owner?: ProcStamp;
}

export function execSessionDir(runRoot: string, containerId: string): string {
  return path.join(containerRuntimePaths(runRoot, containerId).dir, 'exec');
}

export function execExitFile(runRoot: string, containerId: string, sessionId: string): string {
  return path.join(execSessionDir(runRoot, containerId), `${sessionId}.exit`);
}

/** Volatile state: a plain write is enough (a torn record is skipped by readers). */
export function writeExecSession(runRoot: string, containerId: string, s: ExecSessionRecord): void {
  const dir = execSessionDir(runRoot, containerId);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(dir, `${s.id}.json`), `${JSON.stringify(s)}\n`, { mode: 0o600 });
}

export function removeExecSession(runRoot: string, containerId: string, sessionId: string): void {
  const dir = execSessionDir(runRoot, containerId);
  for (const f of [`${sessionId}.json`, `${sessionId}.exit`, `${sessionId}.exit.tmp`]) fs.rmSync(path.join(dir, f), { force: true });
}

export function readExecSession(runRoot: string, containerId: string, sessionId: string): ExecSessionRecord | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(path.join(execSessionDir(runRoot, containerId), `${sessionId}.json`), 'utf8')) as ExecSessionRecord;
    return typeof v.id === 'string' && typeof v.startedAt === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The exit code a detached session's helper recorded, if it has ended. */
export function readExecExit(runRoot: string, containerId: string, sessionId: string): number | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(execExitFile(runRoot, containerId, sessionId), 'utf8')) as { exitCode?: unknown };
    return typeof v.exitCode === 'number' ? v.exitCode : undefined;
  } catch {
    return undefined;
  }
}

/** Ids of the sessions started in the container's current run (started at `since`), oldest first. */
export function execSessionIds(runRoot: string, containerId: string, since: string | undefined): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(execSessionDir(runRoot, containerId));
  } catch {
    return [];
  }
  const from = since ? Date.parse(since) - 1000 : -Infinity;
  return names
    .filter((n) => n.endsWith('.json'))
    .map((n) => readExecSession(runRoot, containerId, n.slice(0, -5)))
    .filter((s): s is ExecSessionRecord => s !== undefined && Date.parse(s.startedAt) >= from)
    .filter((s) => {
      if (s.owner === undefined || !isProcStamp(s.owner) || isAlive(s.owner)) return true;
      if (fs.existsSync(execExitFile(runRoot, containerId, s.id))) return true; // ended; its exit command forgets it

      removeExecSession(runRoot, containerId, s.id);
      return false;
    })
    .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt))
    .map((s) => s.id);
}
