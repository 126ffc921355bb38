// build as podman 4.3's own system tests (070-build.bats) expect it, as the
// test user: the COMMIT line names the tag as given, a cached last step
// without a tag prints no COMMIT, --layers=false never removes an image it
// did not make (a base identical to a step's config), --layers=1/0 as pflag
// reads them, --pull=never and
// --authfile errors in podman's words, buildah 1.28's ignore-file rule for
// excluded directories and its error for an excluded COPY source, --ulimit,
// --shm-size, --security-opt seccomp=unconfined, resource flags as `run`
// takes them, --hooks-dir, --logfile, ADD of a .tar.xz, buildx's --load/--progress, and every
// flag of `podman build --help` listed in ours.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';
import { buildCli } from './build-util.js';

describe('build: podman bats parity', () => {
  let sb: Sandbox;
  const { run, ok, context } = buildCli(() => sb);

  beforeAll(async () => {
    sb = await busyboxSandbox('build-bats', 'user');
  });
  afterAll(async () => {
    await disposeSandbox(sb);
  });

  it('COMMIT names the first -t as given; a cached last step without -t prints its id once and no COMMIT', async () => {
    const dir = context('commit', { Containerfile: 'FROM bb\nRUN echo one\nRUN echo two\n' });
    const first = await ok(['build', '-t', 'commit_test', dir]);
    expect(first.stdout).toMatch(/\nCOMMIT commit_test\n--> [0-9a-f]{11}\nSuccessfully tagged localhost\/commit_test:latest\n[0-9a-f]{64}\n$/);
    const cached = await ok(['build', dir]);
    const id = cached.stdout.trim().split('\n').pop()!;
    expect(cached.stdout).not.toContain('COMMIT');
    expect(cached.stdout).toContain(`STEP 3/3: RUN echo two\n--> Using cache ${id}\n--> ${id.slice(0, 11)}\n${id}\n`);
    const tagged = await ok(['build', '-t', 'commit_test2', dir]);
    expect(tagged.stdout).toContain(`--> Using cache ${id}\nCOMMIT commit_test2\n--> ${id.slice(0, 11)}\n`);
  });

  it('--layers=false keeps a base whose config a step reproduces (a base built by us), and the cache it did not make', async () => {
    const baseDir = context('layers-base', { Containerfile: 'FROM bb\nRUN echo base > /base\n' });
    await ok(['build', '-t', 'layers_base', baseDir]);
    const baseId = (await ok(['image', 'inspect', '--format', '{{.Id}}', 'layers_base'])).stdout.trim();
    const dir = context('layers', { Containerfile: 'FROM layers_base\nRUN echo hi > /hi\n' });
    await ok(['build', '-t', 'layers_test', dir]);
    await ok(['build', '-t', 'layers_test', '--layers=false', dir]);
    expect((await ok(['image', 'inspect', '--format', '{{.Id}}', 'layers_base'])).stdout.trim()).toBe(baseId);
    const again = await ok(['build', '-t', 'layers_test', '--layers=true', dir]);
    expect(again.stdout).toContain('--> Using cache');
    // pflag's bool words: --layers=1 beats BUILDAH_LAYERS=false, --layers=0 beats BUILDAH_LAYERS=1.
    expect((await ok(['build', '-t', 'layers_test', '--layers=1', dir], { env: { BUILDAH_LAYERS: 'false' } })).stdout).toContain('--> Using cache');
    expect((await ok(['build', '-t', 'layers_test', dir], { env: { BUILDAH_LAYERS: 'false' } })).stdout).not.toContain('--> Using cache');
    expect((await ok(['build', '-t', 'layers_test', '--layers=0', dir], { env: { BUILDAH_LAYERS: '1' } })).stdout).not.toContain('--> Using cache');
    const bad = await run(['build', '--layers=yes', dir]);
    expect([bad.exitCode, bad.stderr]).toEqual([125, 'Error: invalid argument "yes" for "--layers" flag: strconv.ParseBool: parsing "yes": invalid syntax\nSee \'tsc-run build --help\'\n']);
  });

  it('--pull=never and a missing FROM image: podman\'s "creating build container" error; --authfile that does not exist is checked first', async () => {
    const dir = context('pull-never', { Containerfile: 'FROM quay.io/libpod/nosuchimage:nosuchtag\n' });
    for (const flag of ['--pull-never', '--pull=never']) {
      const r = await run(['build', flag, dir]);
      expect(r.exitCode).toBe(125);
      expect(r.stderr).toBe('Error: creating build container: quay.io/libpod/nosuchimage:nosuchtag: image not known\n');
    }
    const both = await run(['build', '--pull=never', '--pull-always', dir]);
    expect(both.exitCode).toBe(125);
    expect(both.stderr).toBe("Error: can only set one of 'pull' or 'pull-always' or 'pull-never'\n");
    const auth = await run(['build', '--authfile', path.join(sb.dir, 'bogus'), '-'], { input: 'FROM scratch\n' });
    expect(auth.exitCode).toBe(125);
    expect(auth.stderr).toBe(`Error: checking authfile: stat ${path.join(sb.dir, 'bogus')}: no such file or directory\n`);
  });

  it('ignore files: an excluded directory is entered only for an exception that names it (buildah 1.28), for --ignorefile and .dockerignore alike', async () => {
    const files = ['test1', 'test1.txt', 'test2', 'test2.txt', 'subdir1/sub1', 'subdir1/sub1.txt', 'subdir1/sub2', 'subdir1/sub2.txt', 'subdir1/sub3', 'subdir1/sub3.txt', 'subdir2/sub1', 'subdir2/sub1.txt', 'subdir2/sub2', 'subdir2/sub2.txt', 'subdir2/sub3', 'subdir2/sub3.txt', 'other'];
    const patterns = '# comment\ntest*\n!test2*\nsubdir1\nsubdir2\n!*/sub1*\n!subdir1/sub3*\n';
    const kept = ['Containerfile', 'other', 'subdir1/sub1', 'subdir1/sub1.txt', 'subdir1/sub3', 'subdir1/sub3.txt', 'test2', 'test2.txt'];
    for (const [name, extra, flags] of [
      ['ign-file', { 'my-ignore': patterns }, (d: string) => ['--ignorefile', path.join(d, 'my-ignore')]],
      ['ign-docker', { '.dockerignore': patterns }, () => []],
    ] as const) {
      const dir = context(name, { ...Object.fromEntries(files.map((f) => [f, `${f}\n`])), ...extra, Containerfile: 'FROM bb\nCOPY ./ /new/\n' });
      await ok(['build', '-t', `${name}:1`, ...flags(dir), dir]);
      const found = (await ok(['run', '--rm', `${name}:1`, 'find', '/new', '-type', 'f'])).stdout.trim().split('\n').map((f) => f.slice('/new/'.length)).filter((f) => !Object.keys(extra).includes(f)).sort();
      expect(found, name).toEqual(kept);
    }
  });

  it('COPY of a source the ignore file excludes fails at its step with buildah\'s message', async () => {
    const dir = context('ign-fail', { '.dockerignore': '*\nsubdir\n!*/sub1*\n', 'subdir/x': 'x\n', Containerfile: 'FROM bb\nCOPY ./ ./\nCOPY subdir ./\n' });
    const r = await run(['build', dir]);
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toBe(`Error: building at STEP "COPY subdir ./": no items matching glob "${path.join(dir, 'subdir')}" copied (1 filtered out using ${path.join(dir, '.dockerignore')}): no such file or directory\n`);
  });

  it('--ulimit, --shm-size and --security-opt seccomp=unconfined reach RUN steps', async () => {
    const dir = context('limits', { Containerfile: 'FROM bb\nRUN grep Seccomp: /proc/self/status | tr -d "\\t"; echo "nofile=$(ulimit -Sn):$(ulimit -Hn)"; df -k /dev/shm | tail -1\n' });
    const r = await ok(['build', '--no-cache', '--ulimit', 'nofile=101:102', '--shm-size', '10m', dir]);
    expect(r.stdout).toContain('Seccomp:2\n');
    expect(r.stdout).toContain('nofile=101:102\n');
    expect(r.stdout).toMatch(/\ntmpfs\s+10240\s/);
    const plain = await ok(['build', '--no-cache', dir]);
    expect(plain.stdout).not.toContain('nofile=101:102');
    expect(plain.stdout).toMatch(/\ntmpfs\s+65536\s/);
    const unconfined = await ok(['build', '--no-cache', '--security-opt', 'seccomp=unconfined', dir]);
    expect(unconfined.stdout).toContain('Seccomp:0\n');
    const bad = await run(['build', '--shm-size', 'lots', dir]);
    expect(bad.exitCode).toBe(125);
    expect(bad.stderr).toBe("Error: unable to translate --shm-size: invalid size: 'lots'\n");
  });

  it('--memory as run takes it: applied where a cgroup v2 subtree is delegated, else podman\'s cgroup v1 rootless warning', async () => {
    const dir = context('memory', { Containerfile: 'FROM bb\nRUN cat /sys/fs/cgroup/memory.max 2>/dev/null || echo no-v2\n' });
    const r = await ok(['build', '--no-cache', '--memory', '100m', dir]);
    if (r.stderr.includes('Resource limits are not supported and ignored on cgroups V1 rootless systems')) expect(r.stdout).not.toContain('104857600');
    else expect(r.stdout).toContain('104857600\n');
    const bad = await run(['build', '--memory', '1k', dir]);
    expect(bad.exitCode).toBe(125);
    expect(bad.stderr).toBe('Error: minimum memory limit allowed is 6MB\n');
  });

  it('--hooks-dir: the hooks run for RUN steps', async () => {
    const out = path.join(context('hooks-out', { '.keep': '' }), 'ran');
    const script = sb.file('hook.sh', `#!/bin/sh\ncat > ${out}\n`, 0o755);
    const hooks = context('hooks', { 'h.json': JSON.stringify({ version: '1.0.0', hook: { path: script }, when: { always: true }, stages: ['prestart'] }) });
    const dir = context('hooked', { Containerfile: 'FROM bb\nRUN true\n' });
    await ok(['build', '--no-cache', '--hooks-dir', hooks, dir]);
    expect((JSON.parse(fs.readFileSync(out, 'utf8')) as { status: string }).status).toBe('created');
  });

  it('--logfile: everything the build prints goes to the file (0600), also its error', async () => {
    const logs = context('logs', { '.keep': '' });
    const dir = context('logged', { Containerfile: 'FROM bb\nRUN echo from-run\n' });
    const r = await ok(['build', '--no-cache', '-t', 'logged', '--logfile', path.join(logs, 'log'), dir]);
    expect(r.stdout + r.stderr).toBe('');
    const text = fs.readFileSync(path.join(logs, 'log'), 'utf8');
    expect(text).toMatch(/^STEP 1\/2: FROM bb\nSTEP 2\/2: RUN echo from-run\nfrom-run\nCOMMIT logged\n--> [0-9a-f]{11}\nSuccessfully tagged localhost\/logged:latest\n[0-9a-f]{64}\n$/);
    expect(fs.statSync(path.join(logs, 'log')).mode & 0o777).toBe(0o600);
    const bad = context('logged-bad', { Containerfile: 'FROM bb\nRUN exit 3\n' });
    const f = await run(['build', `--logfile=${path.join(logs, 'log2')}`, bad]);
    expect(f.exitCode).toBe(3);
    expect(f.stdout + f.stderr).toBe('');
    expect(fs.readFileSync(path.join(logs, 'log2'), 'utf8')).toMatch(/\nError: building at STEP "RUN exit 3": while running runtime: exit status 3\n$/);
  });

  it('buildx build takes --load and --progress=plain; namespace flags take what RUN steps get, the rest is refused with a reason', async () => {
    const dir = context('buildx', { Containerfile: 'FROM bb\nRUN echo x\n' });
    const r = await ok(['buildx', 'build', '--load', '--progress=plain', '-t', 'bx', dir]);
    expect(r.stdout).toContain('COMMIT bx\n');
    const bad = await run(['buildx', 'build', '--progress=rawjson', dir]);
    expect(bad.exitCode).toBe(125);
    expect(bad.stderr).toBe('Error: --progress=rawjson is not supported: want auto (the live view on a terminal) or plain\n');
    await ok(['build', '--ipc', 'host', '--ipc', 'private', '--pid=private', '--uts=private', '--cgroupns=private', dir]);
    for (const [flags, msg] of [
      [['--ipc', '/proc/1/ns/ipc'], 'Error: --ipc=/proc/1/ns/ipc is not supported: RUN steps take private or host (joining a namespace by its path is not supported)\n'],
      [['--sign-by', 'ABCD'], 'Error: --sign-by is not supported: image signing is not supported\n'],
    ] as const) {
      const f = await run(['build', ...flags, dir]);
      expect(f.exitCode, flags.join(' ')).toBe(125);
      expect(f.stderr).toBe(msg);
    }
  });

  it('ADD of a .tar.xz extracts it (cached while the archive is the same, rebuilt when it changes)', async () => {
    const dir = context('xz', { 'subtest/myfile1': 'This is the ORIGINAL file\n', Containerfile: 'FROM bb\nADD myfile.tar.xz /\n' });
    const pack = async () => {
      const r = await runProcess('tar', ['-C', dir, '-cJf', path.join(dir, 'myfile.tar.xz'), 'subtest'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeoutMs: 30_000 });
      expect(r.exitCode, r.stderr).toBe(0);
      sb.chown(dir);
    };
    await pack();
    await ok(['build', '-t', 'xz_test', dir]);
    expect((await ok(['run', '--rm', 'xz_test', 'cat', '/subtest/myfile1'])).stdout).toBe('This is the ORIGINAL file\n');
    expect((await ok(['build', '-t', 'xz_test', dir])).stdout).toContain('--> Using cache');
    sb.file('xz/subtest/myfile2', 'This is a NEW file\n');
    await pack();
    const again = await ok(['build', '-t', 'xz_test', dir]);
    expect(again.stdout).not.toContain('--> Using cache');
    expect((await ok(['run', '--rm', 'xz_test', 'cat', '/subtest/myfile2'])).stdout).toBe('This is a NEW file\n');
  });

  it('help: every flag of podman 4.3\'s build --help is listed, with podman\'s value names', async () => {
    const theirs = await runProcess('podman', ['build', '--help'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeoutMs: 30_000 });
    expect(theirs.exitCode).toBe(0);
    const ours = await ok(['build', '--help']);
    const flags = (text: string) => new Map([...text.matchAll(/^ {2}(?:-\w, | {4})--([\w-]+)(?: (\S+))?/gm)].map((m) => [m[1]!, m[2] ?? '']));
    const mine = flags(ours.stdout);
    const missing = [...flags(theirs.stdout)].filter(([name, v]) => mine.get(name) !== v).map(([name, v]) => `--${name} ${v} (ours: ${mine.get(name) ?? 'absent'})`);
    expect(missing).toEqual([]);
  });
});
