// compose secrets and configs as the unprivileged user: `uid`, `gid` and
// `mode` honoured (a copy per grant, owned by that container user through
// the user's sub-ids, with that mode; `mode: 0440` read as octal as docker
// compose reads it), environment/content secrets readable by a non-root
// container user (0444, as docker compose), and the files' bytes intact.

import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRunOk } from '../harness/cli.js';
import type { Sandbox } from '../harness/sandbox.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

let sb: Sandbox;

beforeAll(async () => {
  sb = await busyboxSandbox('compose-secrets', 'user');
}, 120_000);

afterAll(async () => {
  await disposeSandbox(sb);
});

describe('compose secrets and configs', () => {
  it('mounts them with the grant’s uid, gid and mode; environment and content ones readable by any user', async () => {
    sb.file('sec/token.txt', 's3cret-file\n');
    sb.file(
      'sec/compose.yaml',
      [
        'services:',
        '  app:',
        '    image: bb',
        '    user: "1000:1000"',
        '    command: ["sleep", "1000"]',
        '    stop_signal: SIGKILL',
        '    secrets:',
        '      - source: token',
        '        target: owned',
        '        uid: "1000"',
        '        gid: "2000"',
        '        mode: 0400',
        '      - source: fromenv',
        '    configs:',
        '      - source: conf',
        '        target: /etc/app.conf',
        '        mode: 0440',
        '        gid: "1000"',
        'secrets:',
        '  token: {file: ./token.txt}',
        '  fromenv: {environment: SECRET_VALUE}',
        'configs:',
        '  conf: {content: "key=value"}',
        '',
      ].join('\n'),
    );
    const dir = path.join(sb.dir, 'sec');
    const ok = (args: string[]) => tscRunOk(['compose', ...args], { sandbox: sb, cwd: dir, env: { SECRET_VALUE: 'from-the-env' }, timeoutMs: 120_000 });
    await ok(['up', '-d']);
    const r = await ok(['exec', '-T', 'app', 'sh', '-c', 'stat -c "%u %g %a %n" /run/secrets/owned /run/secrets/fromenv /etc/app.conf; cat /run/secrets/owned /run/secrets/fromenv; echo; cat /etc/app.conf']);
    expect(r.stdout).toBe('1000 2000 400 /run/secrets/owned\n0 0 444 /run/secrets/fromenv\n0 1000 440 /etc/app.conf\ns3cret-file\nfrom-the-env\nkey=value');
    // The secret is no part of the container's config.
    const insp = (await tscRunOk(['inspect', 'sec-app-1'], { sandbox: sb })).stdout;
    expect(insp).not.toContain('from-the-env');
    expect(insp).not.toContain('s3cret-file');
    await ok(['down', '-t', '0']);
  });

  it('compose cp: a file into every container of a service, and back out of one, bytes intact', async () => {
    const data = randomBytes(1 << 20);
    sb.file('cpp/compose.yaml', 'services:\n  s:\n    image: bb\n    command: ["sleep", "1000"]\n    stop_signal: SIGKILL\n    scale: 2\n');
    fs.writeFileSync(path.join(sb.dir, 'cpp', 'blob'), data);
    sb.chown(path.join(sb.dir, 'cpp', 'blob'));
    const dir = path.join(sb.dir, 'cpp');
    sb.chown(dir);
    const ok = (args: string[]) => tscRunOk(['compose', ...args], { sandbox: sb, cwd: dir, timeoutMs: 120_000 });
    const sum = createHash('sha256').update(data).digest('hex');
    await ok(['up', '-d']);
    await ok(['cp', 'blob', 's:/tmp/blob']);
    for (const i of ['1', '2']) expect((await ok(['exec', '-T', '--index', i, 's', 'sha256sum', '/tmp/blob'])).stdout.split(' ')[0]).toBe(sum);
    await ok(['exec', '-T', '--index', '2', 's', 'sh', '-c', 'echo two > /tmp/which']);
    await ok(['cp', '--index', '2', 's:/tmp/which', 'which']);
    expect(fs.readFileSync(path.join(dir, 'which'), 'utf8')).toBe('two\n');
    await ok(['cp', 's:/tmp/blob', 'back']);
    expect(createHash('sha256').update(fs.readFileSync(path.join(dir, 'back'))).digest('hex')).toBe(sum);
    await ok(['down', '-t', '0']);
  });
});
