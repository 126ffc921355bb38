// podman 4.3 parity details of issue 9, side by side with podman on this
// machine where it runs: the run/create flag tables of help (names and pflag
// type words), -h as --hostname, a value flag without its value, -a with -d,
// and --format templates that podman scripts use.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess, STD_PATH, tscRun, type ProcResult, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

const hasPodman = fs.existsSync('/usr/bin/podman');
const podmanHome = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-parity-podman-'));
afterAll(() => fs.rmSync(podmanHome, { recursive: true, force: true }));

function podman(args: readonly string[]): Promise<ProcResult> {
  return runProcess('podman', args, { env: { HOME: podmanHome, XDG_RUNTIME_DIR: podmanHome, PATH: STD_PATH, LANG: 'C.UTF-8' } });
}

/** `--name type` of each row of a help's Options: table. */
function flagRows(help: string): string[] {
  const opts = help.split('\nOptions:\n')[1] ?? '';
  return opts
    .split('\n')
    .filter((l) => /^ {2}(-\w, | {4})--/.test(l))
    .map((l) => {
      const m = /^ {2}(?:-(\w), | {4})--(\S+)(?: (\S+))?/.exec(l)!;
      // A boolean's usage text starts right after the name: keep only a type word.
      const type = m[3] && /^(string|strings|stringArray|int|uint|float|tmpfs|[A-Z]+|\[a-Z\]|<number>\[<unit>\]|DEVICE_NAME:WEIGHT)$/.test(m[3]) ? m[3] : '';
      return `${m[1] ? `-${m[1]} ` : ''}--${m[2]} ${type}`.trim();
    });
}

describe.runIf(hasPodman)('run/create help flag tables as podman', () => {
  for (const cmd of ['run', 'create']) {
    it(`tsc-run ${cmd} --help lists podman's flags with podman's type words`, async () => {
      const [ours, theirs] = await Promise.all([tscRun([cmd, '--help']), podman([cmd, '--help'])]);
      expect(ours.exitCode).toBe(0);
      expect(flagRows(ours.stdout)).toEqual(flagRows(theirs.stdout));
    });
  }
});

describe('usage details', () => {
  it('a value flag given last without its value: pflag words, exit 125', async () => {
    for (const [args, msg] of [
      [['run', '-h'], "flag needs an argument: 'h' in -h"],
      [['run', '--hostname'], 'flag needs an argument: --hostname'],
      [['ps', '--format'], 'flag needs an argument: --format'],
    ] as const) {
      const r = await tscRun(args);
      expect(r.exitCode).toBe(125);
      expect(r.stdout).toBe('');
      // podman's two lines: the error exactly as pflag words it, then cobra's hint.
      expect(r.stderr).toBe(`Error: ${msg}\nSee 'tsc-run ${args[0]} --help'\n`);
    }
  });
});

describe('run details as podman', () => {
  let sb: Sandbox;
  const run = (args: string[]) => tscRun(args, { sandbox: sb });
  beforeAll(async () => {
    sb = await busyboxSandbox('cli-parity', 'user');
  });
  afterAll(() => disposeSandbox(sb));

  it('-h is --hostname; --no-hosts and --no-healthcheck (=true too) act', async () => {
    const h = await run(['run', '--rm', '-h', 'myhost', 'bb', 'hostname']);
    expect([h.exitCode, h.stdout]).toEqual([0, 'myhost\n']);
    for (const flag of ['--no-hosts', '--no-hosts=true']) {
      const r = await run(['run', '--rm', flag, 'bb', 'cat', '/etc/hosts']);
      expect(r.exitCode, flag).not.toBe(0); // the image has no /etc/hosts
    }
    const keep = await run(['run', '--rm', '--no-hosts=false', 'bb', 'cat', '/etc/hosts']);
    expect(keep.exitCode).toBe(0);
  });

  it("create --init-ctr without --pod is podman's error; create -a keeps its streams for start --attach (Docker's meaning)", async () => {
    const noPod = await run(['create', '--init-ctr', 'once', 'bb', 'true']);
    expect([noPod.exitCode, noPod.stderr]).toEqual([125, 'Error: must specify pod value with init-ctr\n']);
    const r = await run(['create', '-a', 'stdout', '--name', 'ca', 'bb', 'sh', '-c', 'echo out; echo err >&2']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect((await run(['inspect', '--format', '{{.Config.AttachStdout}} {{.Config.AttachStderr}}', 'ca'])).stdout).toBe('true false\n');
    const started = await run(['start', '-a', 'ca']);
    expect([started.exitCode, started.stdout, started.stderr]).toEqual([0, 'out\n', '']);
    const bad = await run(['create', '-a', 'bogus', 'bb', 'true']);
    expect([bad.exitCode, bad.stderr]).toEqual([125, 'Error: invalid stream "bogus" for --attach - must be one of stdin, stdout, or stderr: invalid argument\n']);
    expect(await run(['create', '--detach-keys', 'ctrl-a', 'bb', 'true'])).toMatchObject({ exitCode: 125 });
  });

  it('NeedsCopyUp as podman: a nocopy mount or a volume that holds files copies nothing and keeps it set', async () => {
    const state = async (v: string) => (await run(['volume', 'inspect', '--format', '{{.NeedsCopyUp}}', v])).stdout;
    expect((await run(['run', '--rm', '-v', 'full:/etc:nocopy', 'bb', 'sh', '-c', 'echo a > /etc/a'])).exitCode).toBe(0);
    expect(await state('full')).toBe('true\n');
    const ls = await run(['run', '--rm', '-v', 'full:/etc', 'bb', 'ls', '/etc']);
    expect(ls.stdout.split('\n')).toContain('a');
    expect(ls.stdout.split('\n')).not.toContain('passwd');
    expect(await state('full')).toBe('true\n');
    // An empty volume over a non-empty image directory: copied up once, then cleared.
    const up = await run(['run', '--rm', '-v', 'e2:/etc', 'bb', 'cat', '/etc/passwd']);
    expect([up.exitCode, up.stdout]).toMatchObject([0, expect.stringMatching(/^root:/)]);
    expect(await state('e2')).toBe('false\n');
  });

  it('pause and unpause --filter act on the matching containers only', async () => {
    const a = (await run(['run', '-d', '--name', 'pf1', '-l', 'grp=x', 'bb', 'sleep', '100'])).stdout.trim();
    await run(['run', '-d', '--name', 'pf2', 'bb', 'sleep', '100']);
    expect(await run(['pause', '--filter', 'label=grp=x'])).toMatchObject({ exitCode: 0, stdout: `${a}\n` });
    const st = await run(['ps', '-a', '--filter', 'name=pf', '--format', '{{.Names}} {{.State}}']);
    expect(st.stdout.split('\n').filter(Boolean).sort()).toEqual(['pf1 Paused', expect.stringMatching(/^pf2 Up /)]);
    expect(await run(['unpause', '-f', 'label=grp=x'])).toMatchObject({ exitCode: 0, stdout: `${a}\n` });
    expect((await run(['pause', '-f', 'name=pf1', 'pf2'])).stderr).toBe('Error: --filter takes no arguments\n');
    await run(['rm', '-f', '-t', '0', 'pf1', 'pf2']);
  });

  it("inspect's Path and Args as podman 4.3 splits them (one word stays in Args)", async () => {
    await run(['create', '--name', 'one', 'bb', 'true']);
    await run(['create', '--name', 'two', 'bb', 'echo', 'hi']);
    const r = await run(['inspect', '--format', '{{.Path}} {{json .Args}}', 'one', 'two']);
    expect(r.stdout).toBe('true ["true"]\necho ["hi"]\n');
  });

  it('-a with -d: the streams are checked, then it detaches as podman', async () => {
    const d = await run(['run', '-a', 'stdout', '-d', '--name', 'ad', 'bb', 'echo', 'hi']);
    expect(d.exitCode, d.stderr).toBe(0);
    expect(d.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    const bad = await run(['run', '-a', 'foo', '-d', '--rm', 'bb', 'true']);
    expect([bad.exitCode, bad.stderr]).toEqual([125, 'Error: invalid stream "foo" for --attach - must be one of stdin, stdout, or stderr: invalid argument\n']);
  });

  it('templates podman scripts use: index chains, range with variables, json, join, printf, nil slices', async () => {
    const fmt = async (args: string[]) => {
      const r = await run(args);
      expect(r.exitCode, r.stderr).toBe(0);
      return r.stdout;
    };
    expect(await fmt(['image', 'inspect', '--format', '{{(index .RepoTags 0)}} {{index .RootFS.Layers 0 | printf "%.7s"}}', 'bb'])).toBe('localhost/bb:latest sha256:\n');
    expect(await fmt(['image', 'inspect', '--format', '{{range $i, $t := .RepoTags}}{{$i}}={{$t}}{{end}} {{json .Config.Cmd}} {{.Config.Env}}', 'bb'])).toMatch(/^0=localhost\/bb:latest (null|\[.*\]) \[/);
    await fmt(['create', '--name', 'tpl', '-l', 'a=b', 'bb', 'true']);
    expect(await fmt(['inspect', '--format', '{{upper .Name}} {{len .Config.Labels}} {{if .State.Running}}up{{else}}down{{end}} {{join .Config.Cmd "+"}}', 'tpl'])).toBe(
      'TPL 1 down true\n',
    );
    expect(await fmt(['ps', '-a', '--filter', 'name=tpl', '--format', '{{.Names -}}'])).toBe('tpl');
    // .Created carries nanoseconds as podman's does.
    expect(await fmt(['inspect', '--format', '{{.Created}}', 'tpl'])).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{4,9} \+0000 UTC\n$/);
    const bad = await run(['inspect', '--format', '{{contains .Name "t"}}', 'tpl']);
    expect([bad.exitCode, bad.stderr]).toEqual([125, 'Error: template: function "contains" not defined\n']);
  });
});
