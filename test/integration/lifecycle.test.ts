// The lifecycle commands end to end (built CLI, real helper and monitor):
// ps/container ls, inspect, stop, kill, rm, wait, logs, rename, port,
// restart, container exists/prune, and the truth about state: a container
// whose monitor was SIGKILLed, a record whose monitor pid was reused, and a
// CLI SIGKILLed in the middle of rm or run -d, all leave a store that every
// command reads. As the test user; a subset again as root.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busyboxStore, disposeStore, isRoot, tscRun, tscRunOk, type Sandbox } from '../harness/index.js';

const ID_RE = /^[0-9a-f]{64}$/;
/** A container's state as `ps --format json` reports it. */
interface PsJson {
  Id: string;
  Names: string[];
  State: string;
  Status: string;
  ExitCode: number;
  Exited: boolean;
  Pid: number;
  Labels: Record<string, string> | null;
  Command: string[];
  Created: number;
  StartedAt: number;
  ExitedAt: number;
  Image: string;
  ImageID: string;
}


function psJson(sb: Sandbox, extra: string[] = []): Promise<PsJson[]> {
  return tscRunOk(['ps', '-a', '--format', 'json', ...extra], { sandbox: sb }).then((r) => JSON.parse(r.stdout) as PsJson[]);
}

async function one(sb: Sandbox, name: string): Promise<PsJson | undefined> {
  return (await psJson(sb)).find((c) => c.Names[0] === name);
}

/** The record as stored on disk (what a reader without reconciliation would see). */
function storedState(sb: Sandbox, id: string): { status: string; exitCode?: number } {
  const rec = JSON.parse(fs.readFileSync(path.join(sb.root, 'containers', id, 'container.json'), 'utf8')) as { state: { status: string; exitCode?: number } };
  return rec.state;
}

function procStartTime(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\S+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

describe('lifecycle as the test user', () => {
  let sb: Sandbox;
  const run = (args: string[], timeoutMs?: number) => tscRun(args, { sandbox: sb, ...(timeoutMs ? { timeoutMs } : {}) });
  const ok = (args: string[]) => tscRunOk(args, { sandbox: sb });

  beforeAll(async () => {
    sb = await busyboxStore('lifecycle', 'user', { ref: 'bb:latest' });
    // Fixed cast: two exited, one created, one running.
    await ok(['run', '--name', 'a1', '--label', 'app=web', '--label', 'tier', 'bb', 'true']);
    expect((await run(['run', '--name', 'a2', '--label', 'app=db', 'bb', 'sh', '-c', 'exit 2'])).exitCode).toBe(2);
    await ok(['create', '--name', 'c1', 'bb', 'true']);
    await ok(['run', '-d', '--name', 'r1', '--label', 'app=web', 'bb', 'sleep', '1000']);
  });
  afterAll(async () => {
    await disposeStore(sb);
  });

  describe('ps', () => {
    it('lists running containers by default, all with -a, in creation order, podman columns', async () => {
      const r = await ok(['ps']);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(/^[0-9a-f]{12} {2}localhost\/bb:latest\s+sleep 1000\s+.+ ago\s+Up .+ ago\s+r1$/);
      const all = (await ok(['ps', '-a', '--format', '{{.Names}}'])).stdout;
      expect(all).toBe('a1\na2\nc1\nr1\n');
      expect((await ok(['container', 'ls', '-a', '--format', '{{.Names}}'])).stdout).toBe(all);
      expect((await ok(['container', 'list', '-a', '--format', '{{.Names}}'])).stdout).toBe(all);
    });
    it('status column and JSON as podman 4.3', async () => {
      const cs = await psJson(sb);
      expect(cs.map((c) => [c.Names[0], c.State, c.ExitCode, c.Exited])).toEqual([
        ['a1', 'exited', 0, true],
        ['a2', 'exited', 2, true],
        ['c1', 'created', 0, false],
        ['r1', 'running', 0, false],
      ]);
      const [a1, a2, c1, r1] = cs as [PsJson, PsJson, PsJson, PsJson];
      expect(a2.Status).toMatch(/^Exited \(2\) (Less than a second|\d+ seconds?) ago$/);
      expect(c1.Status).toBe('Created');
      expect(c1.StartedAt).toBe(-62135596800);
      expect(c1.ExitedAt).toBe(-62135596800);
      expect(r1.Status).toMatch(/^Up .+ ago$/);
      expect(r1.Pid).toBeGreaterThan(1);
      expect(alive(r1.Pid)).toBe(true);
      expect(a1.Labels).toEqual({ app: 'web', tier: '' });
      expect(c1.Labels).toBeNull();
      expect(a1.Id).toMatch(ID_RE);
      expect(a1.Image).toBe('localhost/bb:latest');
      expect(a1.ImageID).toMatch(ID_RE);
      expect(Object.keys(a1)).toEqual([
        'AutoRemove', 'Command', 'CreatedAt', 'Exited', 'ExitedAt', 'ExitCode', 'Id', 'Image', 'ImageID', 'IsInfra', 'Labels',
        'Mounts', 'Names', 'Namespaces', 'Networks', 'Pid', 'Pod', 'PodName', 'Ports', 'Size', 'StartedAt', 'State', 'Status', 'Created',
      ]);
      // `{{json .}}` is the same document.
      const again = JSON.parse((await ok(['ps', '-a', '--format', '{{json .}}'])).stdout) as PsJson[];
      expect(again.map((c) => c.Id)).toEqual(cs.map((c) => c.Id));
    });
    it('-q, --no-trunc, -n, -l, --noheading, table templates', async () => {
      const cs = await psJson(sb);
      expect((await ok(['ps', '-q'])).stdout).toBe(`${cs[3]!.Id.slice(0, 12)}\n`);
      expect((await ok(['ps', '-aq', '--no-trunc'])).stdout).toBe(cs.map((c) => `${c.Id}\n`).join(''));
      expect((await ok(['ps', '-n', '2', '--format', '{{.Names}}'])).stdout).toBe('c1\nr1\n');
      expect((await ok(['ps', '-l', '--format', '{{.ID}} {{.Names}}'])).stdout).toBe(`${cs[3]!.Id.slice(0, 12)} r1\n`);
      expect((await ok(['ps', '-a', '--no-trunc', '--format', '{{.ID}}'])).stdout.split('\n')[0]).toMatch(ID_RE);
      expect((await ok(['ps', '--noheading'])).stdout.split('\n')).toHaveLength(2);
      const t = (await ok(['ps', '-a', '--format', 'table {{.Names}}\t{{.State}}\t{{.Labels}}'])).stdout.split('\n');
      expect(t[0]).toMatch(/^NAMES\s+STATE\s+LABELS$/);
      expect(t[1]).toMatch(/^a1\s+Exited \(0\) .+ ago\s+map\[app:web tier:\]$/);
      expect(t[3]).toMatch(/^c1\s+Created\s+map\[\]$/);
      const r = await run(['ps', '-q', '-s']);
      expect(r.exitCode).toBe(125);
      expect(r.stderr).toBe('Error: quiet conflicts with size and namespace\n');
      expect((await run(['ps', '-n', '1', '-l'])).stderr).toBe('Error: last and latest are mutually exclusive\n');
    });
    it('filters: status, name, id, label, ancestor, exited, combined', async () => {
      const names = async (...f: string[]) => (await ok(['ps', '-a', ...f.flatMap((x) => ['--filter', x]), '--format', '{{.Names}}'])).stdout.trim().split('\n').filter(Boolean);
      // Without -a a filter only narrows the running ones; status= looks at all (podman 4.3).
      expect((await ok(['ps', '--filter', 'name=^a', '--format', '{{.Names}}'])).stdout).toBe('');
      expect((await ok(['ps', '--filter', 'label=app=web', '--format', '{{.Names}}'])).stdout).toBe('r1\n');
      expect((await ok(['ps', '--filter', 'status=exited', '--format', '{{.Names}}'])).stdout).toBe('a1\na2\n');
      expect(await names('status=exited')).toEqual(['a1', 'a2']);
      expect(await names('status=running')).toEqual(['r1']);
      expect(await names('status=created')).toEqual(['c1']);
      expect(await names('name=^a')).toEqual(['a1', 'a2']);
      expect(await names('name=1')).toEqual(['a1', 'c1', 'r1']);
      const a1 = (await one(sb, 'a1'))!;
      expect(await names(`id=${a1.Id.slice(0, 6)}`)).toEqual(['a1']);
      expect(await names('label=app=web')).toEqual(['a1', 'r1']);
      expect(await names('label=app')).toEqual(['a1', 'a2', 'r1']);
      expect(await names('label=app=web', 'label=tier')).toEqual(['a1']);
      expect(await names('exited=2')).toEqual(['a2']);
      expect(await names('ancestor=localhost/bb:latest')).toEqual(['a1', 'a2', 'c1', 'r1']);
      expect(await names('ancestor=localhost/bb')).toHaveLength(4);
      expect(await names('name=a', 'status=exited', 'exited=0')).toEqual(['a1']);
      const bad = await run(['ps', '--filter', 'status=bogus']);
      expect(bad.exitCode, bad.stderr).toBe(125);
      expect(bad.stderr).toBe('Error: unknown container state: bogus: invalid argument\n');
      expect((await run(['ps', '--filter', 'bogus=1'])).stderr).toBe('Error: bogus is an invalid filter\n');
    });
    it('--size adds the SIZE column', async () => {
      const r = await ok(['ps', '-a', '-s', '--filter', 'name=a1']);
      expect(r.stdout.split('\n')[0]).toMatch(/NAMES\s+SIZE$/);
      expect(r.stdout.split('\n')[1]).toMatch(/a1\s+\d+(\.\d+)?[kMG]?B \(virtual \d+(\.\d+)?[kMG]?B\)$/);
    });
  });

  describe('inspect', () => {
    it('{{.State.Running}} and friends, for running and exited containers', async () => {
      expect((await ok(['inspect', '--format', '{{.State.Running}} {{.State.Status}} {{.Name}}', 'r1'])).stdout).toBe('true running r1\n');
      expect((await ok(['container', 'inspect', '--format', '{{.State.Running}} {{.State.ExitCode}} {{.Config.Cmd}}', 'a2'])).stdout).toBe(
        'false 2 [sh -c exit 2]\n',
      );
      const f = (await ok(['inspect', '-f', '{{.State.StartedAt}}|{{.State.FinishedAt}}|{{.Created}}', 'c1'])).stdout;
      expect(f).toMatch(/^0001-01-01 00:00:00 \+0000 UTC\|0001-01-01 00:00:00 \+0000 UTC\|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC\n$/);
      expect((await ok(['inspect', '-f', '{{.Id}}', 'a1', 'a2'])).stdout.split('\n').filter(Boolean)).toHaveLength(2);
    });
    it('JSON as podman: keys, State, Config, HostConfig; five-space indent', async () => {
      const r = await ok(['inspect', 'r1']);
      expect(r.stdout.startsWith('[\n     {\n          "Id": ')).toBe(true);
      const [c] = JSON.parse(r.stdout) as Array<Record<string, Record<string, unknown>>>;
      expect(c!.Name as unknown).toBe('r1');
      expect(c!.Path as unknown).toBe('sleep');
      expect(c!.Args as unknown).toEqual(['1000']);
      expect(c!.State).toMatchObject({ Status: 'running', Running: true, Paused: false, Dead: false, ExitCode: 0, FinishedAt: '0001-01-01T00:00:00Z' });
      expect(c!.State!.Pid as number).toBeGreaterThan(1);
      expect(c!.State!.ConmonPid as number).toBeGreaterThan(1);
      expect(c!.State!.StartedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      expect(c!.Config).toMatchObject({ Cmd: ['sleep', '1000'], Image: 'localhost/bb:latest', Labels: { app: 'web' }, StopSignal: 15, Tty: false });
      expect(c!.HostConfig).toMatchObject({ AutoRemove: false, NetworkMode: 'pasta', RestartPolicy: { Name: '', MaximumRetryCount: 0 } });
      expect(Object.keys(c!)).toEqual(expect.arrayContaining(['Id', 'Created', 'State', 'Image', 'ImageName', 'Rootfs', 'ResolvConfPath', 'HostnamePath', 'HostsPath', 'Driver', 'Mounts', 'NetworkSettings', 'Config', 'HostConfig']));
    });
    it('generic inspect finds images too; --type narrows; missing names print what was found, then the error', async () => {
      // bb:latest: a bare 'bb' also matches a container whose random id begins with bb.
      const img = JSON.parse((await ok(['inspect', 'bb:latest'])).stdout) as Array<{ Id: string; RepoTags: string[] }>;
      expect(img[0]!.RepoTags).toEqual(['localhost/bb:latest']);
      const both = JSON.parse((await ok(['inspect', 'a1', 'bb:latest'])).stdout) as Array<{ Id: string }>;
      expect(both).toHaveLength(2);
      const noImg = await run(['inspect', '--type', 'container', 'bb:latest']);
      expect(noImg.exitCode).toBe(125);
      expect(noImg.stdout).toBe('[]\n');
      expect(noImg.stderr).toBe('Error: inspecting object: no such container bb:latest\n');
      const missing = await run(['inspect', '--format', '{{.Name}}', 'a1', 'nosuch']);
      expect(missing.exitCode).toBe(125);
      expect(missing.stdout).toBe('a1\n');
      expect(missing.stderr).toBe('Error: inspecting object: no such object: "nosuch"\n');
      expect((await run(['inspect', '--type', 'foo', 'a1'])).stderr).toMatch(/^Error: invalid type "foo"/);
    });
  });

  describe('stop, kill, wait', () => {
    it('stop: a container that ignores SIGTERM is SIGKILLed after -t, with podman\'s warning; exit 137', async () => {
      await ok(['run', '-d', '--name', 's1', 'bb', 'sleep', '1000']);
      const t0 = Date.now();
      const r = await run(['stop', '-t', '2', 's1']);
      const took = Date.now() - t0;
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toBe('s1\n');
      expect(r.stderr).toMatch(/^time="[^"]+" level=warning msg="StopSignal SIGTERM failed to stop container s1 in 2 seconds, resorting to SIGKILL"\n$/);
      expect(took).toBeGreaterThanOrEqual(1900);
      expect(took).toBeLessThan(9000);
      const s = (await one(sb, 's1'))!;
      expect([s.State, s.ExitCode]).toEqual(['exited', 137]);
      expect(storedState(sb, s.Id)).toMatchObject({ status: 'exited', exitCode: 137 });
      // Stopping a stopped container is not an error.
      expect((await run(['stop', 's1'])).stdout).toBe('s1\n');
    });
    it('stop: a container that handles SIGTERM exits with its own code, without waiting for -t', async () => {
      await ok(['run', '-d', '--name', 's2', 'bb', 'sh', '-c', 'trap "echo got term; exit 7" TERM; while :; do sleep 0.1; done']);
      const t0 = Date.now();
      const r = await run(['stop', '-t', '20', 's2']);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      expect(Date.now() - t0).toBeLessThan(8000);
      expect((await one(sb, 's2'))!.ExitCode).toBe(7);
      expect((await ok(['logs', 's2'])).stdout).toBe('got term\n');
    });
    it('kill: SIGKILL by default, -s, only running containers, bad signals', async () => {
      await ok(['run', '-d', '--name', 'k1', 'bb', 'sh', '-c', 'trap "exit 3" USR1; while :; do sleep 0.1; done']);
      const bad = await run(['kill', '-s', 'FOO', 'k1']);
      expect([bad.exitCode, bad.stderr]).toEqual([125, 'Error: invalid signal: FOO\n']);
      expect((await ok(['kill', '-s', 'USR1', 'k1'])).stdout).toBe('k1\n');
      expect((await ok(['wait', 'k1'])).stdout).toBe('3\n');
      await ok(['run', '-d', '--name', 'k2', 'bb', 'sleep', '1000']);
      expect((await ok(['kill', 'k2'])).stdout).toBe('k2\n');
      expect((await ok(['wait', 'k2'])).stdout).toBe('137\n');
      const again = await run(['kill', 'k2']);
      expect(again.exitCode).toBe(125);
      expect(again.stderr).toMatch(/^Error: can only kill running containers\. [0-9a-f]{64} is in state exited: container state improper\n$/);
    });
    it('wait: exit codes, created containers at once, --condition running gives -1', async () => {
      await ok(['run', '-d', '--name', 'w1', 'bb', 'sh', '-c', 'sleep 1; exit 5']);
      expect((await ok(['wait', '--condition', 'running', 'w1'])).stdout).toBe('-1\n');
      const t0 = Date.now();
      expect((await ok(['wait', 'w1'])).stdout).toBe('5\n');
      expect(Date.now() - t0).toBeLessThan(8000);
      expect((await ok(['wait', 'c1', 'a2'])).stdout).toBe('0\n2\n');
      expect((await run(['wait', '--condition', 'bogus', 'c1'])).stderr).toBe('Error: unknown container state: bogus: invalid argument\n');
      const none = await run(['wait', 'nosuch']);
      expect([none.exitCode, none.stderr]).toEqual([125, 'Error: no container with name or ID "nosuch" found: no such container\n']);
    });
  });

  describe('logs', () => {
    beforeAll(async () => {
      // out1 and the partial line in ONE write, so the monitor reads them together
      // and stamps them alike whatever the scheduling (the -t test relies on it).
      await ok(['run', '-d', '--name', 'lg', 'bb', 'sh', '-c', "printf 'out1\\npartial'; echo err1 >&2; sleep 1.2; echo out2"]);
      await ok(['wait', 'lg']);
    });
    it('stdout and stderr to their own streams, partial lines joined', async () => {
      const r = await ok(['logs', 'lg']);
      expect(r.stdout).toBe('out1\npartialout2\n');
      expect(r.stderr).toBe('err1\n');
    });
    it('-t prefixes every record with its RFC3339Nano time', async () => {
      const r = await ok(['logs', '-t', 'lg']);
      expect(r.stdout).toMatch(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z) out1\n\1 partial\d{4}-\S+Z out2\n$/);
      expect(r.stderr).toMatch(/^\d{4}-\d\d-\d\dT\S+Z err1\n$/);
    });
    it('--tail N keeps the last N lines whole', async () => {
      expect((await ok(['logs', '--tail', '1', 'lg'])).stdout).toBe('partialout2\n');
      const two = await ok(['logs', '--tail', '2', 'lg']);
      expect([two.stdout, two.stderr]).toEqual(['partialout2\n', 'err1\n']);
      expect((await ok(['logs', '--tail', '0', 'lg'])).stdout).toBe('');
    });
    it('--since and --until with times taken from the log, and durations', async () => {
      const stamps = (await ok(['logs', '-t', 'lg'])).stdout.match(/\d{4}-\d\d-\d\dT[\d:.]+Z/g)!;
      const out2At = stamps[stamps.length - 1]!;
      expect((await ok(['logs', '--since', out2At, 'lg'])).stdout).toBe('out2\n');
      const until = await ok(['logs', '--until', stamps[0], 'lg']);
      expect(until.stdout).toBe('out1\npartial');
      expect((await ok(['logs', '--since', '10m', 'lg'])).stdout).toBe('out1\npartialout2\n');
      expect((await ok(['logs', '--since', '2030-01-01', 'lg'])).stdout).toBe('');
      expect((await run(['logs', '--since', 'soon', 'lg'])).stderr).toBe('Error: unable to interpret time value\n');
    });
    it('-f follows until the container exits', async () => {
      await ok(['run', '-d', '--name', 'lf', 'bb', 'sh', '-c', 'for i in 1 2 3; do echo line$i; sleep 0.4; done; echo bye >&2']);
      const t0 = Date.now();
      const r = await run(['logs', '-f', 'lf'], 30_000);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toBe('line1\nline2\nline3\n');
      expect(r.stderr).toBe('bye\n');
      expect(Date.now() - t0).toBeGreaterThan(500);
      // Of an exited container, -f just prints and returns.
      expect((await ok(['logs', '-f', 'lf'])).stdout).toBe('line1\nline2\nline3\n');
    });
    it('several containers: each line says whose it is (short id, or the name with --names)', async () => {
      const lg = (await one(sb, 'lg'))!;
      const r = await ok(['logs', '-n', 'lg', 'lf']);
      expect(r.stdout).toBe('lg out1\nlg partiallg out2\nlf line1\nlf line2\nlf line3\n');
      const lf = (await one(sb, 'lf'))!;
      const tail = await ok(['logs', '--tail', '1', 'lg', 'lf']);
      expect(tail.stdout).toBe(`${lg.Id.slice(0, 12)} partial${lg.Id.slice(0, 12)} out2\n`);
      expect(tail.stderr).toBe(`${lf.Id.slice(0, 12)} bye\n`);
      expect((await ok(['logs', '-n', 'lg'])).stdout).toBe('out1\npartialout2\n');
    });
    it("podman's usage errors", async () => {
      expect((await run(['logs'])).stderr).toBe('Error: specify at least one container name or ID to log\n');
      expect((await run(['logs', 'nosuch'])).exitCode).toBe(125);
    });
  });

  describe('rm, prune, rename, exists, port, restart', () => {
    it('rm refuses a running container without -f (exit 2), -f stops and removes it', async () => {
      await ok(['run', '-d', '--name', 'rr', 'bb', 'sleep', '1000']);
      const id = (await one(sb, 'rr'))!.Id;
      const r = await run(['rm', 'rr']);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toBe(
        `Error: cannot remove container ${id} as it is running - running or paused containers cannot be removed without force: container state improper\n`,
      );
      const f = await run(['rm', '-f', '-t', '1', 'rr']);
      expect(f.exitCode, f.stderr).toBe(0);
      expect(f.stdout).toBe('rr\n');
      expect(await one(sb, 'rr')).toBeUndefined();
      expect(fs.existsSync(path.join(sb.root, 'containers', id))).toBe(false);
      expect(fs.existsSync(path.join(sb.runroot, 'containers', id))).toBe(false);
    });
    it('rm: exit 1 for a missing name (and nothing removed), --ignore and -f skip it', async () => {
      await ok(['create', '--name', 'x1', 'bb', 'true']);
      const r = await run(['rm', 'x1', 'nosuch']);
      expect([r.exitCode, r.stdout, r.stderr]).toEqual([1, '', 'Error: no container with name or ID "nosuch" found: no such container\n']);
      expect(await one(sb, 'x1')).toBeDefined();
      expect((await ok(['rm', '--ignore', 'x1', 'nosuch'])).stdout).toBe('x1\n');
      expect((await ok(['rm', '-f', 'nosuch'])).stdout).toBe('');
      expect((await run(['rm'])).stderr).toBe('Error: you must provide at least one name or id\n');
      expect((await run(['rm', '-a', 'x'])).stderr).toBe('Error: no arguments are needed with --all\n');
    });
    it('--cidfile names the container for stop, kill and rm', async () => {
      const cid = path.join(sb.dir, 'cid');
      await ok(['run', '-d', '--cidfile', cid, '--name', 'cf', 'bb', 'sleep', '1000']);
      const id = fs.readFileSync(cid, 'utf8').trim();
      expect(id).toMatch(ID_RE);
      expect((await ok(['kill', '--cidfile', cid])).stdout).toBe(`${id}\n`);
      expect((await ok(['rm', '--cidfile', cid])).stdout).toBe(`${id}\n`);
      const missing = await run(['stop', '--cidfile', path.join(sb.dir, 'nope')]);
      expect(missing.exitCode).toBe(125);
      expect(missing.stderr).toMatch(/^Error: reading CIDFile: .*no such file or directory/);
      expect((await run(['rm', '-i', '--cidfile', path.join(sb.dir, 'nope')])).exitCode).toBe(0);
    });
    it('rename: new name everywhere; clashes and bad names refused', async () => {
      await ok(['create', '--name', 'old', 'bb', 'true']);
      const r = await ok(['rename', 'old', 'new']);
      expect(r.stdout).toBe('');
      expect((await ok(['container', 'exists', 'new'])).exitCode).toBe(0);
      expect((await run(['container', 'exists', 'old'])).exitCode).toBe(1);
      const id = (await one(sb, 'new'))!.Id;
      expect((await run(['rename', 'new', 'a1'])).stderr).toBe(
        `Error: renaming container ${id}: name a1 already in use, cannot rename container ${id}: container already exists\n`,
      );
      expect((await run(['rename', 'new', 'bad/name'])).stderr).toBe('Error: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument\n');
      expect((await run(['rename', 'nosuch', 'x'])).exitCode).toBe(125);
      await ok(['rm', 'new']);
    });
    it('port: nothing published prints nothing', async () => {
      expect(await ok(['port', 'r1'])).toMatchObject({ stdout: '', stderr: '' });
      expect((await run(['port', 'nosuch'])).exitCode).toBe(125);
    });
    it('restart: a running container runs again with a new process; prints the name', async () => {
      await ok(['run', '-d', '--name', 'rs', 'bb', 'sh', '-c', 'echo started; sleep 1000']);
      const pid1 = (await one(sb, 'rs'))!.Pid;
      expect((await ok(['restart', '-t', '0', 'rs'])).stdout).toBe('rs\n');
      const after = (await one(sb, 'rs'))!;
      expect(after.State).toBe('running');
      expect(after.Pid).not.toBe(pid1);
      expect((await ok(['logs', 'rs'])).stdout).toBe('started\nstarted\n');
      await ok(['rm', '-f', '-t', '0', 'rs']);
    });
    it('container prune asks first, then removes every non-running container', async () => {
      await ok(['create', '--name', 'p1', 'bb', 'true']);
      const no = await tscRun(['container', 'prune'], { sandbox: sb, input: 'n\n' });
      expect(no.stdout).toBe('WARNING! This will remove all non running containers.\nAre you sure you want to continue? [y/N] ');
      expect(await one(sb, 'p1')).toBeDefined();
      const before = await psJson(sb);
      const r = await ok(['container', 'prune', '-f', '--filter', 'label=app=db']);
      expect(r.stdout).toBe(`${before.find((c) => c.Names[0] === 'a2')!.Id}\n`);
      const gone = before.filter((c) => c.State !== 'running' && c.Names[0] !== 'a2').map((c) => c.Id).sort();
      expect((await tscRun(['container', 'prune'], { sandbox: sb, input: 'y\n' })).stdout.split('] ')[1]).toBe(gone.map((i) => `${i}\n`).join(''));
      expect((await psJson(sb)).map((c) => c.State)).toEqual(['running']);
    });
  });

  describe('the truth about state', () => {
    it('a container whose monitor was SIGKILLed is exited (-1), not running; ps writes nothing, a writer stores it', async () => {
      await ok(['run', '-d', '--name', 'mk', 'bb', 'sleep', '1000']);
      const info = JSON.parse((await ok(['inspect', 'mk'])).stdout) as Array<{ Id: string; State: { ConmonPid: number; Pid: number } }>;
      const { Id, State } = info[0]!;
      process.kill(State.ConmonPid, 'SIGKILL');
      for (let i = 0; i < 100 && alive(State.ConmonPid); i++) await new Promise((r) => setTimeout(r, 20));
      const c = (await one(sb, 'mk'))!;
      expect([c.State, c.ExitCode, c.Status]).toEqual(['exited', -1, expect.stringMatching(/^Exited \(-1\) /) as unknown as string]);
      expect((await ok(['ps', '--format', '{{.Names}}'])).stdout).not.toContain('mk');
      // ps and inspect only read: the record still says running.
      expect((await ok(['inspect', '-f', '{{.State.Running}} {{.State.Error}}', 'mk'])).stdout).toMatch(/^false the container's monitor \(pid \d+\) is gone/);
      expect(storedState(sb, Id).status).toBe('running');
      // A writer (wait) stores the truth, and no process of it is left.
      expect((await ok(['wait', 'mk'])).stdout).toBe('-1\n');
      expect(storedState(sb, Id)).toMatchObject({ status: 'exited', exitCode: -1 });
      for (let i = 0; i < 100 && alive(State.Pid); i++) await new Promise((r) => setTimeout(r, 20));
      expect(alive(State.Pid)).toBe(false);
      expect((await ok(['rm', 'mk'])).stdout).toBe('mk\n');
    });
    it('a record whose monitor pid now belongs to another process (start time differs) is exited', async () => {
      await ok(['create', '--name', 'reuse', 'bb', 'true']);
      const id = (await one(sb, 'reuse'))!.Id;
      const file = path.join(sb.root, 'containers', id, 'container.json');
      const rec = JSON.parse(fs.readFileSync(file, 'utf8')) as { state: Record<string, unknown> };
      const bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
      // Our own pid: alive, but it is not the process that was recorded (other start time).
      const write = (monitor: Record<string, unknown>) => {
        rec.state = { status: 'running', startedAt: new Date().toISOString(), monitor };
        fs.writeFileSync(file, JSON.stringify(rec));
        // Written behind the store's back: ps's summary index (docs/storage.md) is dropped, as after any hand edit.
        fs.rmSync(path.join(sb.root, 'containers-index'), { recursive: true, force: true });
      };
      write({ pid: process.pid, startTime: procStartTime(process.pid) + 1, bootId });
      expect((await one(sb, 'reuse'))!).toMatchObject({ State: 'exited', ExitCode: -1 });
      // The same pid with the right start time but from another boot: not alive either.
      write({ pid: process.pid, startTime: procStartTime(process.pid), bootId: '00000000-0000-0000-0000-000000000000' });
      expect((await one(sb, 'reuse'))!.State).toBe('exited');
      // The real stamp of a live process is believed (the check is what decides).
      write({ pid: process.pid, startTime: procStartTime(process.pid), bootId });
      expect((await one(sb, 'reuse'))!.State).toBe('running');
      write({ pid: process.pid, startTime: procStartTime(process.pid) + 1, bootId });
      expect((await ok(['rm', 'reuse'])).stdout).toBe('reuse\n');
    });
    it('SIGKILL of the CLI at any point of rm leaves a store every command reads; the next rm finishes', async () => {
      // Containers with many files in their writable layer, so removal takes a while.
      const names = ['k9a', 'k9b', 'k9c'];
      for (const n of names) await ok(['run', '--name', n, 'bb', 'sh', '-c', 'mkdir /d; i=0; while [ $i -lt 2000 ]; do : > /d/f$i; i=$((i+1)); done']);
      let killed = 0;
      let delay = 40;
      for (const n of names) {
        for (;;) {
          const r = await run(['rm', n], delay);
          const ps = await run(['ps', '-a', '--format', 'json']);
          expect(ps.exitCode, ps.stderr).toBe(0);
          const c = (JSON.parse(ps.stdout) as PsJson[]).find((x) => x.Names[0] === n);
          if (!r.timedOut) {
            expect(r.exitCode, r.stderr).toBe(0);
            expect(c).toBeUndefined();
            break;
          }
          killed++;
          if (c) expect(['exited', 'removing']).toContain(c.State);
          expect((await run(['inspect', '-f', '{{.State.Status}}', n])).exitCode).toBe(c ? 0 : 125);
          if (!c) break; // the record went before the kill: gone for every command
          delay += 25;
        }
      }
      expect(killed).toBeGreaterThan(0);
      expect((await ok(['ps', '-a', '--format', '{{.Names}}'])).stdout).not.toMatch(/k9/);
    });
    it('SIGKILL of the CLI during run -d leaves a store every command reads, and rm -f clears it', async () => {
      for (let delay = 60, i = 0; i < 8; delay += 60, i++) {
        await run(['run', '-d', '--name', `kd${i}`, 'bb', 'sleep', '1000'], delay);
        const ps = await run(['ps', '-a', '--format', 'json']);
        expect(ps.exitCode, ps.stderr).toBe(0);
        for (const c of JSON.parse(ps.stdout) as PsJson[]) expect(['created', 'running', 'exited']).toContain(c.State);
      }
      const left = (await psJson(sb)).filter((c) => c.Names[0]!.startsWith('kd'));
      for (const c of left) expect((await run(['rm', '-f', '-t', '0', c.Names[0]!])).exitCode).toBe(0);
      expect((await psJson(sb)).filter((c) => c.Names[0]!.startsWith('kd'))).toEqual([]);
    });
  });
});

describe.runIf(isRoot())('lifecycle as root', () => {
  let sb: Sandbox | undefined;
  beforeAll(async () => {
    sb = await busyboxStore('lifecycle-root', 'root', { ref: 'bb:latest' });
  });
  afterAll(async () => {
    await disposeStore(sb);
  });
  it('run -d, ps, inspect, logs, stop, wait, rm', async () => {
    const s = sb!;
    const ok = (args: string[]) => tscRunOk(args, { sandbox: s });
    await ok(['run', '-d', '--name', 'rt', 'bb', 'sh', '-c', 'echo hello; exec sleep 1000']);
    expect((await ok(['ps', '--format', '{{.Names}} {{.State}}'])).stdout).toMatch(/^rt Up .+ ago\n$/);
    expect((await ok(['inspect', '-f', '{{.State.Running}}', 'rt'])).stdout).toBe('true\n');
    expect((await ok(['logs', 'rt'])).stdout).toBe('hello\n');
    expect((await ok(['stop', '-t', '0', 'rt'])).stdout).toBe('rt\n');
    expect((await ok(['wait', 'rt'])).stdout).toBe('137\n');
    expect((await ok(['rm', 'rt'])).stdout).toBe('rt\n');
    expect((await ok(['ps', '-a', '-q'])).stdout).toBe('');
  });
});
