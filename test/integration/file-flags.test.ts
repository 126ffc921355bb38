// Flags that name a file the engine reads or writes, given a path the user
// cannot use: a missing directory and one the test user may not enter
// (/root). Each fails with one `Error:` line in Go's words ("open /x:
// permission denied"), podman's exit code, never Node's errno text
// ("EACCES: permission denied, open '/x'"), and leaves no container behind.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import type { Sandbox } from '../harness/sandbox.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

let sb: Sandbox;

beforeAll(async () => {
  sb = await busyboxSandbox('file-flags', 'user');
  sb.file('ctx/Containerfile', 'FROM bb\n');
}, 180_000);

afterAll(async () => {
  await disposeSandbox(sb);
});

const NODE_ERRNO = /\b[A-Z]{4,}: [a-z ]+, [a-z]+ '/;

describe('file-naming flags with unusable paths', () => {
  for (const [where, file, why] of [
    ['a directory the user may not enter', '/root/tsc-run-nope/f', 'permission denied'],
    ['a missing directory', '/nonexistent-tsc-run-dir/f', 'no such file or directory'],
  ] as const) {
    it(`reports ${why} for ${where}`, async () => {
      const cases: string[][] = [
        ['run', '--rm', '--cidfile', file, 'bb', 'true'],
        ['create', '--env-file', file, 'bb', 'true'],
        ['create', '--label-file', file, 'bb', 'true'],
        ['build', '-q', '--iidfile', file, path.join(sb.dir, 'ctx')],
        ['build', '-q', '--build-arg-file', file, path.join(sb.dir, 'ctx')],
        ['build', '-q', '-f', file, path.join(sb.dir, 'ctx')],
        ['save', '-o', file, 'bb'],
        ['load', '-i', file],
        ['import', file],
        ['secret', 'create', 's1', file],
      ];
      // A missing auth file is podman's "not logged into"; an unreadable one is an error.
      if (why === 'permission denied') cases.push(['login', '--authfile', file, '--get-login', 'localhost:1']);
      const bad: string[] = [];
      for (const args of cases) {
        const r = await tscRun(args, { sandbox: sb, input: '', timeoutMs: 60_000 });
        const last = r.stderr.trimEnd().split('\n').pop() ?? '';
        if (r.exitCode !== 125) bad.push(`${args.join(' ')}: exit ${r.exitCode}: ${r.stderr}`);
        else if (NODE_ERRNO.test(r.stderr)) bad.push(`${args.join(' ')}: Node's errno text: ${last}`);
        else if (!last.startsWith('Error: ') || !last.includes(why)) bad.push(`${args.join(' ')}: ${JSON.stringify(last)}`);
      }
      expect(bad).toEqual([]);
      expect((await tscRunOk(['ps', '-aq'], { sandbox: sb })).stdout.trim()).toBe('');
    }, 300_000);
  }
});
