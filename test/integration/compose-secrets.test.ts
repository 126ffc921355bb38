// compose secrets and configs as the unprivileged user: `uid`, `gid` and
// `mode` honoured (a copy per grant, owned by that container user through
// the user's sub-ids, with that mode; `mode: 0440` read as octal as docker
// compose reads it), environment/content secrets readable by a non-root
// container user (0444, as docker compose), and the files' bytes intact.

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
});
