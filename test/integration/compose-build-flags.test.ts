// compose build: the build section's keys (secrets, tags, no_cache,
// additional_contexts, extra_hosts) and compose build's own flags
// (--build-arg, --no-cache, -q, --with-dependencies; buildx-only flags refused).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import type { Sandbox } from '../harness/sandbox.js';
import { busyboxSandbox, composeProjects, disposeSandbox } from './run-util.js';

let sb: Sandbox;
const { projectDir, compose, composeOk } = composeProjects(() => sb, 180_000);

beforeAll(async () => {
  sb = await busyboxSandbox('compose-build-flags', 'user');
}, 180_000);

afterAll(async () => {
  await disposeSandbox(sb);
});

const run = async (image: string, cmd: string) => (await tscRunOk(['run', '--rm', image, 'sh', '-c', cmd], { sandbox: sb })).stdout;

describe('compose build keys and flags', () => {
  it('build secrets, tags, additional_contexts, extra_hosts and args reach the engine build', async () => {
    const dir = projectDir('bk', {
      'compose.yaml': `services:
  app:
    build:
      context: ./app
      args: {V: from-file}
      secrets: [tok]
      tags: ["bk-extra:1"]
      no_cache: true
      additional_contexts:
        more: ./more
      extra_hosts: ["db.example:10.1.2.3"]
    depends_on: [base]
  base:
    build:
      context: ./app
      dockerfile_inline: |
        FROM bb
        RUN echo base > /base
secrets:
  tok:
    environment: TOKEN
`,
      '.env': 'TOKEN=s3cret\n',
      'app/Dockerfile': 'FROM bb\nARG V\nCOPY --from=more m.txt /m.txt\nRUN --mount=type=secret,id=tok cat /run/secrets/tok > /tok; echo "$V" > /v; grep db.example /etc/hosts | cut -f1 > /h\n',
      'more/m.txt': 'more\n',
    });
    await composeOk(dir, ['build', 'app']);
    expect(await run('bk-app', 'cat /tok /v /m.txt; cat /h')).toBe('s3cretfrom-file\nmore\n10.1.2.3\n');
    expect(await run('bk-extra:1', 'cat /v')).toBe('from-file\n');
    // Only the named service: base was not built (no --with-dependencies).
    expect((await tscRun(['image', 'exists', 'bk-base'], { sandbox: sb })).exitCode).toBe(1);
    await composeOk(dir, ['build', '-q', '--build-arg', 'V=from-flag', '--with-dependencies', 'app']);
    expect(await run('bk-app', 'cat /v')).toBe('from-flag\n');
    expect(await run('bk-base', 'cat /base')).toBe('base\n');
    // No secret in the image's layers or history.
    expect((await tscRunOk(['history', '--no-trunc', 'bk-app'], { sandbox: sb })).stdout).not.toContain('s3cret');
  }, 300_000);

  it('buildx-only flags and keys the engine cannot honour are refused, naming them', async () => {
    const dir = projectDir('br', { 'compose.yaml': 'services:\n  x:\n    build:\n      context: .\n      privileged: true\n', Dockerfile: 'FROM bb\n' });
    for (const flag of ['--builder=b', '--check', '--print', '--provenance=true', '--sbom=true']) {
      const r = await compose(dir, ['build', flag]);
      expect(r.exitCode).toBe(125);
      expect(r.stderr).toMatch(new RegExp(`^Error: ${flag.split('=')[0]} is not supported: .+\\n$`));
    }
    const r = await compose(dir, ['build']);
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toContain('services.x.build.privileged: not supported by tsc-run compose');
  }, 120_000);
});
