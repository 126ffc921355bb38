// One process's /proc files, read as the host sees it; undefined when it is
// gone (a container's processes come and go while we read).

import fs from 'node:fs';
import { parseStatFields, parseStatus, type ProcStatFields, type ProcStatus } from './proc-files.js';

export interface ProcessFiles {
  stat: ProcStatFields;
  status: ProcStatus;
}

export function readProcess(pid: number): ProcessFiles | undefined {
  try {
    return {
      stat: parseStatFields(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')),
      status: parseStatus(fs.readFileSync(`/proc/${pid}/status`, 'utf8')),
    };
  } catch {
    return undefined;
  }
}

/** /proc/<pid>/cmdline as argv ([] for kernel threads and zombies). */
export function readCmdline(pid: number): string[] {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw === '' ? [] : raw.replace(/\0$/, '').split('\0');
  } catch {
    return [];
  }
}

/** A /proc file's text, or undefined. */
export function readProcText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
