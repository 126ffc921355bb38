// Playing systemd's part for units `generate systemd` writes (there is no
// systemd on the test machines): a unit's Key=value lines, and one Exec line
// run as systemd would run it for a user unit.

import { expect } from 'vitest';
import type { Sandbox } from './sandbox.js';
import { runAs } from './user.js';

/** A unit's Key=value lines (continuations joined), in order. */
export function unitLines(text: string): Array<[string, string]> {
  return text
    .replace(/ \\\n\t/g, ' ')
    .split('\n')
    .filter((l) => /^[A-Za-z]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]);
}

/**
 * Run one Exec line of the user unit `unit` as systemd would, as the test
 * user in the sandbox's HOME and XDG_RUNTIME_DIR (%t, %n and %% filled in;
 * its words must be shell-safe); fails the test unless it exits 0.
 */
export async function execUnitLine(sb: Sandbox, line: string, unit: string): Promise<void> {
  const cmd = line.replace(/%t/g, sb.xdgRuntime).replace(/%n/g, `${unit}.service`).replace(/%%/g, '%');
  const r = await runAs('user', 'sh', ['-c', cmd], { env: { XDG_RUNTIME_DIR: sb.xdgRuntime, HOME: sb.home } });
  expect(r.exitCode, `${cmd}\n${r.stderr}`).toBe(0);
}
