// top and stats from /proc (no cgroups here): the container's processes as
// it sees them (its pids, its user names), podman's columns, descriptors and
// JSON keys; stats numbers that move with what the container does.

import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busyboxStore, disposeStore, isRoot, tscRun, tscRunOk, type As, type Sandbox } from '../harness/index.js';
import { readRecord, sleep } from './run-util.js';

const TOP_HEADER = /^USER\s+PID\s+PPID\s+%CPU\s+ELAPSED\s+TTY\s+TIME\s+COMMAND$/;
const STATS_HEADER = /^ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET IO\s+BLOCK IO\s+PIDS\s+CPU TIME\s+AVG CPU %$/;

function rows(text: string): string[][] {
  return text.trimEnd().split('\n').map((l) => l.split(/\s{2,}/));
}

function suite(as: As, full: boolean) {
  let sb: Sandbox;
  let id: string;
  const run = (args: string[]) => tscRun(args, { sandbox: sb });

  beforeAll(async () => {
    sb = await busyboxStore(`top-stats-${as}`, as);
    id = (await tscRunOk(['run', '-d', '--name', 't', 'bb', 'sleep', '600'], { sandbox: sb })).stdout.trim();
  });
  afterAll(() => disposeStore(sb));

  it('top: podman\'s default columns, the container\'s pids and users, exec\'d processes with PPID 0', async () => {
    await tscRunOk(['exec', '-d', '-u', 'user', 't', 'sleep', '300'], { sandbox: sb });
    await sleep(200);
    const r = await run(['top', 't']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const [header, ...procs] = rows(r.stdout);
    expect(header!.join('  ')).toMatch(TOP_HEADER);
    expect(procs[0]).toEqual(['root', '1', '0', expect.stringMatching(/^\d+\.\d{3}$/), expect.stringMatching(/^(\d+m)?[\d.]+m?s$/), '?', '0s', 'sleep 600']);
    const exec = procs.find((p) => p[7] === 'sleep 300');
    expect(exec).toBeDefined();
    expect(exec![0]).toBe('user');
    expect(Number(exec![1])).toBeGreaterThan(1);
    expect(exec![2]).toBe('0');
  });

  it('top with descriptors (names, codes, commas); an unknown one runs ps(1) inside, as podman', async () => {
    const pid = readRecord(sb, id).state.pid!;
    const r = await run(['top', 't', 'pid,comm', 'hpid', '%U', 'seccomp']);
    expect(r.exitCode, r.stderr).toBe(0);
    const [header, first] = rows(r.stdout);
    expect(header).toEqual(['PID', 'COMMAND', 'HPID', 'USER', 'SECCOMP']);
    expect(first).toEqual(['1', 'sleep', String(pid), 'root', 'filter']);
    // podman 4.3: psgo does not know it, so `ps nosuch` runs in the container; its
    // lines as they are, without the line of that ps.
    const fallback = await run(['top', 't', 'nosuch']);
    expect([fallback.exitCode, fallback.stderr]).toEqual([0, '']);
    const lines = fallback.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\s*PID\s+USER\s/);
    expect(lines.some((l) => /^\s*1 root .*sleep/.test(l)), fallback.stdout).toBe(true);
    expect(fallback.stdout).not.toMatch(/nosuch/);
    const psOwn = await run(['top', 't', '-o', 'pid,comm']);
    expect(psOwn.stdout.trimEnd().split('\n').map((l) => l.trim().split(/\s+/))).toEqual(expect.arrayContaining([['PID', 'COMMAND'], ['1', 'sleep']]));
    // ps failing: podman's words, its stderr lines joined, 125.
    const bad = await run(['top', 't', '-Q']);
    expect(bad.exitCode).toBe(125);
    expect(bad.stderr).toMatch(/^Error: executing ps\(1\) in the container: runtime failed with exit status: 1 and output: ps: (invalid|unrecognized) option.*Q.*\n$/);
    const quote = await run(['top', 't', 'pid', '"a b']);
    expect([quote.exitCode, quote.stderr]).toEqual([125, 'Error: parsing ps args: EOF found when expecting closing quote\n']);
  });

  it('top of a container that is not running: podman\'s error', async () => {
    await tscRunOk(['create', '--name', 'idle', 'bb', 'true'], { sandbox: sb });
    const r = await run(['top', 'idle']);
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toBe('Error: top can only be used on running containers\n');
    await tscRunOk(['rm', 'idle'], { sandbox: sb });
  });

  it('stats --no-stream: podman\'s columns, the container\'s memory, tasks and CPU time; the host\'s memory as the limit', async () => {
    await tscRunOk(['run', '-d', '--name', 'busy', 'bb', 'sh', '-c', 'i=0; while [ $i -lt 2000000 ]; do i=$((i+1)); done; sleep 600'], { sandbox: sb });
    await sleep(1500);
    const r = await run(['stats', '--no-stream']);
    expect(r.exitCode, r.stderr).toBe(0);
    const [header, ...lines] = rows(r.stdout);
    expect(header!.join('  ')).toMatch(STATS_HEADER);
    const busy = lines.find((l) => l[1] === 'busy')!;
    expect(busy).toBeDefined();
    const memTotal = Number(/^MemTotal:\s+(\d+)/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024;
    expect(busy[0]).toMatch(/^[0-9a-f]{12}$/);
    expect(busy[3]).toMatch(new RegExp(`^[\\d.]+[kM]B / [\\d.]+GB$`));
    expect(busy[3]!.split(' / ')[1]).toBe(`${Number((memTotal / 1e9).toPrecision(4))}GB`);
    expect(busy[7]).toBe('1');
    expect(busy[8]).toMatch(/^(\d+(\.\d+)?(ms|s)|[\d.]+s)$/);
    expect(busy[8]).not.toBe('0s'); // it counted to two million
    expect(busy[2]).toMatch(/^\d+\.\d\d%$/);
    expect(Number(busy[9]!.replace('%', ''))).toBeGreaterThan(0);
  });

  it('stats --format json: podman\'s keys; a template; a named container', async () => {
    const j = JSON.parse((await run(['stats', '--no-stream', '--format', 'json', 't'])).stdout);
    expect(j).toHaveLength(1);
    expect(Object.keys(j[0])).toEqual(['id', 'name', 'cpu_time', 'cpu_percent', 'avg_cpu', 'mem_usage', 'mem_percent', 'net_io', 'block_io', 'pids']);
    expect(j[0]).toMatchObject({ id: id.slice(0, 12), name: 't', pids: '2' });
    const t = await run(['stats', '--no-stream', '--format', '{{.Name}} {{.PIDS}}', 't']);
    expect(t.stdout).toBe('t 2\n');
  });

  it.runIf(full)('stats streams every interval until interrupted', async () => {
    const r = await tscRun(['stats', '--interval', '1', '--no-reset', '--format', '{{.Name}}', 't'], { sandbox: sb, timeoutMs: 2500 });
    expect(r.timedOut).toBe(true);
    expect(r.stdout.split('\n').filter((l) => l === 't').length).toBeGreaterThanOrEqual(2);
  });
}

describe('top and stats (test user)', () => suite('user', true));
describe.runIf(isRoot())('top and stats (root)', () => suite('root', false));
