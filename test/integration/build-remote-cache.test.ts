// build --cache-to / --cache-from: every step's image pushed to REPO:KEY (the
// step's cache key), and a build in an empty store pulling those instead of
// running its steps, ending with the very same image; a step whose input
// changed misses and runs. As podman 4.3's lines (checked side by side):
// `--> Pushing cache REPO:KEY`, `--> Cache pulled from remote REPO:KEY`.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';
import { buildCli } from './build-util.js';

describe('build --cache-to and --cache-from', () => {
  let sb: Sandbox;
  let reg: Registry;
  const { run, ok, context } = buildCli(() => sb);
  /** A second, empty store of the same user. */
  const other = () => ['--root', path.join(sb.dir, 'other-root'), '--runroot', path.join(sb.dir, 'other-run')];

  beforeAll(async () => {
    sb = await busyboxSandbox('build-remote-cache', 'user');
    reg = await startRegistry();
    await ok(['push', '-q', '--tls-verify=false', 'bb', `${reg.host}/base:1`]);
    for (const d of ['other-root', 'other-run']) {
      fs.mkdirSync(path.join(sb.dir, d), { mode: 0o700 });
      sb.chown(path.join(sb.dir, d));
    }
  }, 120_000);
  afterAll(async () => {
    await run([...other(), 'system', 'reset', '--force']).catch(() => undefined);
    await reg?.stop();
    await disposeSandbox(sb);
  });

  const tags = async (repo: string) => ((await (await fetch(`${reg.url}/v2/${repo}/tags/list`)).json()) as { tags: string[] | null }).tags ?? [];

  it('pushes each step as REPO:KEY; an empty store pulls them instead of running the steps and makes the same image', async () => {
    const dir = context('cached', {
      Containerfile: `FROM ${reg.host}/base:1\nRUN echo ran-one; echo one > /one\nENV A=b\nCOPY f /f\nRUN echo ran-two; echo two > /two\n`,
      f: 'content 1\n',
    });
    const first = await ok(['build', '--tls-verify=false', '--cache-to', `${reg.host}/cache`, '-t', 'cached', dir]);
    const pushed = [...first.stdout.matchAll(/^--> Pushing cache (\S+):([0-9a-f]{64})$/gm)];
    expect(pushed.map((m) => m[1])).toEqual(Array(4).fill(`${reg.host}/cache`));
    expect(first.stdout).toMatch(/COMMIT cached\n--> Pushing cache \S+\n--> [0-9a-f]{11}\n/);
    expect((await tags('cache')).sort()).toEqual(pushed.map((m) => m[2]).sort());
    const id = first.stdout.trim().split('\n').at(-1)!;

    // Again, in a store that has nothing (not even the base): every step comes from the registry.
    const second = await ok([...other(), 'build', '--tls-verify=false', '--cache-from', `${reg.host}/cache`, '-t', 'cached', dir]);
    expect([...second.stdout.matchAll(/^--> Cache pulled from remote \S+:([0-9a-f]{64})$/gm)].map((m) => m[1])).toEqual(pushed.map((m) => m[2]));
    expect(second.stdout).not.toMatch(/^ran-/m);
    expect(second.stdout.trim().split('\n').at(-1)).toBe(id);
    expect((await ok([...other(), 'run', '--rm', 'cached', 'cat', '/one', '/f', '/two'])).stdout).toBe('one\ncontent 1\ntwo\n');

    // A changed COPY source: the steps before it come from the registry, it and those after run.
    sb.file('cached/f', 'content 2\n');
    await ok([...other(), 'system', 'reset', '--force']);
    const third = await ok([...other(), 'build', '--tls-verify=false', '--cache-from', `${reg.host}/cache`, '-t', 'cached2', dir]);
    expect(third.stdout.match(/Cache pulled from remote/g)).toHaveLength(2);
    expect(third.stdout).toMatch(/^ran-two$/m);
    expect(third.stdout).not.toMatch(/^ran-one$/m);
  });

  it('refuses a repository with a tag, and a push that fails fails the build', async () => {
    const dir = context('bad', { Containerfile: 'FROM bb\nRUN true\n' });
    const tagged = await run(['build', '--cache-from', `${reg.host}/cache:x`, dir]);
    expect(tagged.exitCode).toBe(125);
    expect(tagged.stderr).toBe(`Error: unable to parse value provided \`${reg.host}/cache:x\` to --cache-from: repository must contain neither a tag nor digest: ${reg.host}/cache:x\n`);
    const down = await run(['build', '--tls-verify=false', '--cache-to', '127.0.0.1:9/nowhere', dir]);
    expect(down.exitCode).toBe(125);
    expect(down.stderr).toMatch(/^Error: failed pushing cache to "\/\/127\.0\.0\.1:9\/nowhere:[0-9a-f]{64}": /);
  });
});
