// Shell completion as a user meets it: `tsc-run completion bash` loaded in a
// real bash, and the `__complete` protocol the scripts (and podman's own
// 600-completion.bats) call, against real containers, pods, images,
// networks, volumes and secrets of the test user.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBinary, runAs, tscRun, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, sandboxCli } from './run-util.js';

let sb: Sandbox;
const { ok } = sandboxCli(() => sb);
let imageId = '';

beforeAll(async () => {
  sb = await busyboxSandbox('completion', 'user');
  await ok(['create', '--name', 'c-created', 'bb', 'true']);
  await ok(['run', '-d', '--name', 'c-running', 'bb', 'sleep', '1000']);
  await ok(['run', '--name', 'c-exited', 'bb', 'sh', '-c', 'touch /tmp/f-one /tmp/f-two && mkdir /emptydir']);
  await ok(['pod', 'create', '--name', 'p-one']);
  await ok(['network', 'create', 'n-one']);
  await ok(['volume', 'create', 'v-one']);
  sb.file('secret.txt', 'hush');
  await ok(['secret', 'create', 's-one', path.join(sb.dir, 'secret.txt')]);
  await ok(['tag', 'bb', 'mytool:v1']);
  imageId = (await ok(['image', 'inspect', '--format', '{{.Id}}', 'bb'])).trim();
}, 240_000);
afterAll(async () => {
  await tscRun(['rm', '-f', '-t', '0', 'c-running'], { sandbox: sb });
  await disposeSandbox(sb);
});

/** `tsc-run __completeNoDesc WORDS...` (or __complete): candidates, the directive, and cobra's stderr line. */
async function complete(words: string[], sub = '__completeNoDesc') {
  const r = await tscRun(words, { sandbox: sb, leading: [sub], timeoutMs: 60_000 });
  expect(r.exitCode, r.stderr).toBe(0);
  const lines = r.stdout.trimEnd().split('\n');
  const last = lines.pop()!;
  expect(last).toMatch(/^:\d+$/);
  return { values: lines, directive: Number(last.slice(1)), stderr: r.stderr };
}

describe('__complete', () => {
  it('offers each kind of object a usage line names, with cobra\'s directive', async () => {
    const rm = await complete(['rm', '']);
    expect(rm.values).toEqual(expect.arrayContaining(['c-created', 'c-running', 'c-exited']));
    expect(rm.directive).toBe(4);
    expect(rm.stderr).toBe('Completion ended with directive: ShellCompDirectiveNoFileComp\n');
    expect((await complete(['pod', 'rm', ''])).values).toContain('p-one');
    expect((await complete(['network', 'rm', ''])).values).toEqual(expect.arrayContaining(['n-one', 'podman']));
    expect((await complete(['volume', 'inspect', ''])).values).toEqual(['v-one']);
    expect((await complete(['secret', 'rm', 's'])).values).toEqual(['s-one']);
    expect((await complete(['inspect', 'c-r'])).values).toEqual(['c-running']);
  });

  it('narrows containers by state where the command needs one', async () => {
    expect((await complete(['stop', 'c-'])).values).toEqual(['c-running']);
    expect((await complete(['exec', 'c-'])).values).toEqual(['c-running']);
    expect((await complete(['start', 'c-'])).values.sort()).toEqual(['c-created', 'c-exited']);
  });

  it('images: full names, then short forms once typed, the ID after two characters', async () => {
    const all = await complete(['rmi', '']);
    expect(all.values).toContain('localhost/mytool:v1');
    expect((await complete(['rmi', 'myt'])).values).toEqual(['mytool:v1', 'mytool']);
    expect((await complete(['image', 'inspect', imageId.slice(0, 3)])).values).toContain(imageId.slice(0, 12));
  });

  it('flags, flag values, and descriptions with __complete', async () => {
    const flags = await complete(['rm', '-f', '--']);
    expect(flags.values).toContain('--all');
    expect(flags.values).not.toContain('--force');
    const net = await complete(['run', '--network', '']);
    expect(net.values).toEqual(expect.arrayContaining(['n-one', 'host', 'none', 'container:']));
    expect(net.directive).toBe(6);
    expect((await complete(['run', '--pull=ne'])).values).toEqual(['--pull=never', '--pull=newer']);
    const described = await complete(['network', 'c'], '__complete');
    expect(described.values).toEqual(expect.arrayContaining([expect.stringMatching(/^create\t.+/), expect.stringMatching(/^connect\t.+/)]));
  });

  it('run IMAGE and create IMAGE: paths inside the image, never the host', async () => {
    const top = await complete(['run', 'bb', '']);
    expect(top.values).toEqual(expect.arrayContaining(['/etc/', '/bin/']));
    expect((await complete(['create', 'bb', '/etc/pass'])).values).toEqual(['/etc/passwd']);
    expect((await complete(['run', 'bb', '../../et'])).values[0]).toBe('../../etc/');
    // An unknown image: a debug line, no candidates, the shell's own files.
    const none = await complete(['run', 'no-such-image', '']);
    expect(none.values.every((v) => v.startsWith('[Debug]'))).toBe(true);
    expect(none.directive).toBe(0);
  });

  it('cp: containers with a colon, then paths in a stopped or a running container', async () => {
    const first = await complete(['cp', 'c-e']);
    expect([first.values, first.directive]).toEqual([['c-exited:'], 2]);
    expect((await complete(['cp', 'c-exited:/tmp/f'])).values).toEqual(['c-exited:/tmp/f-one', 'c-exited:/tmp/f-two']);
    expect((await complete(['cp', 'c-exited:/emptydir'])).values).toEqual(['c-exited:/emptydir/']);
    // Running: read through the container's own root, where /proc is its own.
    expect((await complete(['cp', 'c-running:/pr'])).values[0]).toBe('c-running:/proc/');
  });
});

describe('compose services', () => {
  it('names the services of the project found as compose finds it, with -f and --profile honoured', async () => {
    sb.file('proj/compose.yaml', 'services:\n  web:\n    image: bb\n  db:\n    image: bb\n  cache:\n    image: bb\n    profiles: [extra]\n');
    const inDir = await tscRun(['compose', 'logs', ''], { sandbox: sb, leading: ['__completeNoDesc'], cwd: path.join(sb.dir, 'proj') });
    expect(inDir.stdout).toBe('db\nweb\n:4\n');
    const named = await tscRun(['compose', '-f', path.join(sb.dir, 'proj/compose.yaml'), '--profile', 'extra', 'restart', 'c'], { sandbox: sb, leading: ['__completeNoDesc'] });
    expect(named.stdout).toBe('cache\n:4\n');
  });
});

describe('completion SHELL', () => {
  /** Complete `line` in a real bash with the generated script loaded; COMP_WORDS split as bash splits them. */
  async function bashComplete(line: string): Promise<string[]> {
    const bin = cliBinary().bin;
    const full = `${bin} --root ${sb.root} --runroot ${sb.runroot} ${line}`;
    const words = full.split(/(?<=[:=])|(?=[:=])|\s+/).filter((w) => w !== '');
    if (/\s$/.test(full)) words.push('');
    const script = [
      `source <("${bin}" completion bash)`,
      `COMP_LINE=${JSON.stringify(full)}`,
      'COMP_POINT=${#COMP_LINE}',
      `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})`,
      'COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))',
      '__tsc_run_complete',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    const r = await runAs('user', 'bash', ['-c', script], { env: { HOME: sb.home, XDG_RUNTIME_DIR: sb.xdgRuntime } });
    expect(r.exitCode, r.stderr).toBe(0);
    return r.stdout.split('\n').filter((l) => l !== '');
  }

  it('bash: the script completes names, container paths after the colon, and --flag= values', async () => {
    expect(await bashComplete('rm c-ru')).toEqual(['c-running']);
    // bash's current word is after the ':' (and '='): the candidates start there.
    expect(await bashComplete('cp c-exited:/tmp/f-o')).toEqual(['/tmp/f-one']);
    expect(await bashComplete('run --pull=ne')).toEqual(['never', 'newer']);
    // Several candidates carry their descriptions; a lone one is inserted bare.
    const many = await bashComplete('network c');
    expect(many).toEqual(expect.arrayContaining([expect.stringMatching(/^create {2}\(.+\)$/)]));
    expect(await bashComplete('network cr')).toEqual(['create']);
  });

  it('-f writes the script to a file; a missing or unknown shell is refused as podman', async () => {
    const out = path.join(sb.home, 'compl.zsh');
    await ok(['completion', 'zsh', '-f', out]);
    expect(fs.readFileSync(out, 'utf8')).toBe(await ok(['completion', 'zsh']));
    expect(await ok(['completion', '--no-desc', 'fish'])).toContain('__completeNoDesc');
    const none = await tscRun(['completion'], { sandbox: sb });
    expect([none.exitCode, none.stderr]).toEqual([125, 'Error: accepts 1 arg(s), received 0\n']);
    const bad = await tscRun(['completion', 'tcsh'], { sandbox: sb });
    expect([bad.exitCode, bad.stderr]).toEqual([125, 'Error: invalid argument "tcsh" for "tsc-run completion"\n']);
  });

  const has = (shell: string) => {
    try {
      execFileSync('sh', ['-c', `command -v ${shell}`], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  it.runIf(has('zsh'))('zsh reads its script without a syntax error', async () => {
    const f = path.join(sb.home, 'z.zsh');
    fs.writeFileSync(f, await ok(['completion', 'zsh']));
    execFileSync('zsh', ['-n', f]);
  });
  it.runIf(has('fish'))('fish: the script completes names with descriptions and container paths', async () => {
    const f = path.join(sb.home, 'f.fish');
    fs.writeFileSync(f, await ok(['completion', 'fish']));
    execFileSync('fish', ['--no-execute', f]);
    // fish completes by command name: a `tsc-run` on PATH that uses this sandbox's stores.
    const bin = path.join(sb.home, 'fishbin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'tsc-run'), `#!/bin/sh\nexec "${cliBinary().bin}" "$@"\n`, { mode: 0o755 });
    const line = (l: string) => `complete -C ${JSON.stringify(`tsc-run ${l}`)}`;
    const r = await runAs('user', 'fish', ['-c', [`source ${f}`, line(`--root ${sb.root} --runroot ${sb.runroot} rm c-ru`), line(`--root ${sb.root} --runroot ${sb.runroot} cp c-exited:/tmp/f-t`)].join('; ')], {
      env: { HOME: sb.home, XDG_RUNTIME_DIR: sb.xdgRuntime, PATH: `${bin}:/usr/bin:/bin` },
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('c-running\tlocalhost/bb:latest\nc-exited:/tmp/f-two\n');
  });
});
