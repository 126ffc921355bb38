// tsc-run secret as the unprivileged user: create from a file, stdin and the
// environment, ls/inspect/exists/rm with podman's output and codes, the
// store's files 0600, and run --secret: the bytes readable at
// /run/secrets/NAME (or target), never in the container's inspect output
// nor in a commit of it.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import type { Sandbox } from '../harness/sandbox.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

let sb: Sandbox;

beforeAll(async () => {
  sb = await busyboxSandbox('secret', 'user');
}, 120_000);

afterAll(async () => {
  await disposeSandbox(sb);
});

const ok = (args: string[], input?: string, env?: Record<string, string>) => tscRunOk(args, { sandbox: sb, input, env });
const run = (args: string[], input?: string) => tscRun(args, { sandbox: sb, input });

describe('secret', () => {
  it('creates, lists, inspects, mounts and removes secrets', async () => {
    const value = crypto.randomBytes(24).toString('hex');
    const file = sb.file('pw.txt', value);
    const id1 = (await ok(['secret', 'create', '-l', 'team=a', 'pw', file])).stdout.trim();
    expect(id1).toMatch(/^[0-9a-f]{25}$/);
    const id2 = (await ok(['secret', 'create', 'fromstdin', '-'], 'stdin-value')).stdout.trim();
    await ok(['secret', 'create', '--env', 'fromenv', 'MY_SECRET'], undefined, { MY_SECRET: 'env-value' });

    const dup = await run(['secret', 'create', 'pw', file]);
    expect(dup.exitCode).toBe(125);
    expect(dup.stderr).toBe('Error: pw: secret name in use\n');
    const empty = await run(['secret', 'create', 'empty', '-'], '');
    expect(empty.exitCode).toBe(125);
    expect(empty.stderr).toMatch(/larger than 0/);

    const ls = await ok(['secret', 'ls', '--format', '{{.Name}} {{.Driver}}']);
    expect(ls.stdout.split('\n').filter(Boolean).sort()).toEqual(['fromenv file', 'fromstdin file', 'pw file']);
    expect((await ok(['secret', 'ls'])).stdout.split('\n')[0]).toMatch(/^ID +NAME +DRIVER +CREATED +UPDATED$/);
    expect((await ok(['secret', 'ls', '-q', '--filter', 'name=pw'])).stdout).toBe(`${id1}\n`);

    const insp = JSON.parse((await ok(['secret', 'inspect', 'pw'])).stdout) as Array<{ ID: string; Spec: { Name: string; Labels: Record<string, string>; Driver: { Name: string } } }>;
    expect(insp[0]).toMatchObject({ ID: id1, Spec: { Name: 'pw', Labels: { team: 'a' }, Driver: { Name: 'file' } } });
    expect(JSON.stringify(insp)).not.toContain(value);
    expect((await ok(['secret', 'inspect', '--format', '{{.Spec.Name}}', id2.slice(0, 8)])).stdout).toBe('fromstdin\n');

    // The store: directories 0700, files 0600.
    const dir = path.join(sb.root, 'secrets');
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    for (const f of fs.readdirSync(path.join(dir, 'filedriver'))) expect(fs.statSync(path.join(dir, 'filedriver', f)).mode & 0o777).toBe(0o600);

    // run --secret: the bytes in the container, read-only.
    const out = await ok(['run', '--rm', '--secret', 'pw', '--secret', 'fromstdin,target=other', '--secret', 'fromenv,target=/etc/app.key', 'bb', 'sh', '-c', 'cat /run/secrets/pw; echo; cat /run/secrets/other; echo; cat /etc/app.key; echo; echo x > /run/secrets/pw || echo read-only']);
    expect(out.stdout).toBe(`${value}\nstdin-value\nenv-value\nread-only\n`);
    expect(out.stderr).toMatch(/Read-only file system/);

    // Not in inspect, not in a commit.
    await ok(['create', '--name', 'holder', '--secret', 'pw', 'bb', 'true']);
    expect((await ok(['inspect', 'holder'])).stdout).not.toContain(value);
    await ok(['commit', 'holder', 'withsecret']);
    const inImage = await run(['run', '--rm', 'withsecret', 'sh', '-c', `grep -rl ${value} /bin /etc /run /tmp /root 2>/dev/null; cat /run/secrets/pw 2>/dev/null; echo done`]);
    expect(inImage.stdout).toBe('done\n');
    await ok(['rm', 'holder']);
    await ok(['rmi', 'withsecret']);

    // Refusals.
    for (const [flag, re] of [
      ['pw,type=env', /type=env is not supported/],
      ['pw,uid=1', /uid= is not supported/],
      ['nosuch', /no secret with name or id "nosuch": no such secret/],
    ] as const) {
      const r = await run(['run', '--rm', '--secret', flag, 'bb', 'true']);
      expect(r.exitCode, flag).toBe(125);
      expect(r.stderr).toMatch(re);
    }

    // exists, rm (one missing: the others still go, exit 125), rm -a.
    expect((await run(['secret', 'exists', 'pw'])).exitCode).toBe(0);
    expect((await run(['secret', 'exists', 'nope'])).exitCode).toBe(1);
    const rm = await run(['secret', 'rm', 'pw', 'nope']);
    expect(rm.stdout).toBe(`${id1}\n`);
    expect(rm.exitCode).toBe(125);
    expect(rm.stderr).toBe('Error: no secret with name or id "nope": no such secret\n');
    await ok(['secret', 'rm', '-a']);
    expect((await ok(['secret', 'ls', '-q'])).stdout).toBe('');
    expect(fs.readdirSync(path.join(dir, 'filedriver'))).toEqual([]);
  });
});
