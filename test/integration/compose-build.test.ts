// compose `build:` end to end, as the unprivileged user: a context with only
// a Containerfile (what podman users write), an explicit dockerfile, an inline
// one with build args, and a context with neither file failing before any
// container is made.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRunOk } from '../harness/cli.js';
import type { Sandbox } from '../harness/sandbox.js';
import { busyboxSandbox, disposeSandbox, composeProjects } from './run-util.js';

let sb: Sandbox;

beforeAll(async () => {
  sb = await busyboxSandbox('compose-build', 'user');
}, 180_000);

afterAll(async () => {
  await disposeSandbox(sb);
});

const { projectDir, compose } = composeProjects(() => sb, 180_000);

describe('compose build', () => {
  it('builds from a Containerfile, a named dockerfile and an inline one with args, then runs them', async () => {
    const dir = projectDir('cb', {
      'compose.yaml': [
        'services:',
        '  a:',
        '    build: ./a',
        '    command: cat /from',
        '  b:',
        '    build: {context: ./b, dockerfile: Other.df}',
        '    command: cat /from',
        '  c:',
        '    build:',
        '      context: ./a',
        '      dockerfile_inline: |',
        '        FROM bb',
        '        ARG WHO',
        '        RUN echo "inline $$WHO" > /from',
        '      args: {WHO: compose}',
        '    command: cat /from',
        '',
      ].join('\n'),
      'a/Containerfile': 'FROM bb\nRUN echo containerfile > /from\n',
      'b/Other.df': 'FROM bb\nRUN echo other > /from\n',
      'b/Dockerfile': 'FROM bb\nRUN echo wrong > /from\n',
    });
    const up = await compose(dir, ['up']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/a-1 +\| containerfile/);
    expect(up.stdout).toMatch(/b-1 +\| other/);
    expect(up.stdout).toMatch(/c-1 +\| inline compose/);
    expect((await compose(dir, ['down'])).exitCode).toBe(0);
  }, 300_000);

  it('a context with neither Containerfile nor Dockerfile fails before anything is created', async () => {
    const dir = projectDir('cn', { 'compose.yaml': 'services:\n  x:\n    build: ./empty\n', 'empty/README': 'nothing\n' });
    const up = await compose(dir, ['up', '-d']);
    expect(up.exitCode).toBe(125);
    expect(up.stderr).toMatch(/^Error: .*no Containerfile or Dockerfile .*found/m);
    const ps = await tscRunOk(['ps', '-a', '--format', '{{.Names}}'], { sandbox: sb });
    expect(ps.stdout).not.toMatch(/cn-x/);
  }, 120_000);
});
