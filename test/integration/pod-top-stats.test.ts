// pod top and pod stats as the unprivileged user and as root: every running container
// of the pod under one header (a shared pid namespace listed once),
// podman's descriptors and errors; stats' columns, `--` for zeros, JSON
// keys, templates and the empty table.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, tscRun, tscRunOk, type As, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

function suite(as: As): void {
  let sb: Sandbox;
  const run = (args: string[]) => tscRun(args, { sandbox: sb, timeoutMs: 60_000 });
  const ok = async (args: string[]) => (await tscRunOk(args, { sandbox: sb, timeoutMs: 60_000 })).stdout;

  beforeAll(async () => {
    sb = await busyboxSandbox(`pod-top-stats-${as}`, as);
    await ok(['pod', 'create', '--name', 'tp']);
    await ok(['run', '-d', '--pod', 'tp', '--name', 'tp-a', 'bb', 'sleep', '1001']);
    await ok(['run', '-d', '--pod', 'tp', '--name', 'tp-b', 'bb', 'sh', '-c', 'sleep 1002 & exec sleep 1003']);
    await ok(['pod', 'create', '--name', 'shared', '--share', '+pid']);
    await ok(['run', '-d', '--pod', 'shared', '--name', 'sh-a', 'bb', 'sleep', '1004']);
    await ok(['run', '-d', '--pod', 'shared', '--name', 'sh-b', 'bb', 'sleep', '1005']);
    await ok(['pod', 'create', '--name', 'idle']);
  });
  afterAll(async () => {
    await run(['pod', 'rm', '-f', '-a', '-t', '0']);
    await disposeSandbox(sb);
  });

  it('pod top: each container\'s processes in its own pid namespace, the infra too, one header; descriptors as top\'s', async () => {
    const out = await ok(['pod', 'top', 'tp', 'pid', 'user', 'args']);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PID\s+USER\s+COMMAND$/);
    const rows = lines.slice(1).map((l) => l.split(/\s{2,}/));
    const cmds = rows.map((r) => r[2]);
    expect(cmds.slice(0, 3)).toEqual(['sleep 1001', 'sleep 1003', 'sleep 1002']);
    expect(rows.slice(0, 3).map((r) => r[0])).toEqual(['1', '1', '2']);
    // The infra (the helper's pause mode) is PID 1 of its own namespace, last.
    expect(rows).toHaveLength(4);
    expect(rows[3]![0]).toBe('1');
    expect(rows[3]![2]).toContain('--pause');
    // Comma lists too, and -l for the latest pod (idle: nothing runs, nothing printed).
    expect(await ok(['pod', 'top', 'tp', 'pid,comm'])).toMatch(/^PID\s+COMMAND\n1\s+sleep\n/);
    expect(await ok(['pod', 'top', '-l'])).toBe('');
  });

  it('pod top with --share +pid: one namespace, listed once', async () => {
    const rows = (await ok(['pod', 'top', 'shared', 'pid', 'args'])).trimEnd().split('\n').slice(1);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^1\s+\S+ .*--pause/);
    expect(rows.filter((r) => /sleep 100[45]$/.test(r))).toHaveLength(2);
  });

  it('pod top: podman\'s errors and exit codes', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['pod', 'top'], /^Error: you must provide the name or id of a running pod\n$/],
      [['pod', 'top', 'nope'], /^Error: unable to look up requested container: no pod with name or ID nope found: no such pod\n$/],
      // What follows the pod is descriptors, never our flags.
      [['pod', 'top', 'tp', '-eo', 'user,pid'], /^Error: '-eo': unknown descriptor\n$/],
      [['pod', 'top', 'tp', 'bogus'], /^Error: 'bogus': unknown descriptor\n$/],
    ];
    for (const [args, err] of cases) {
      const r = await run(args);
      expect({ args, code: r.exitCode, out: r.stdout }).toEqual({ args, code: 125, out: '' });
      expect(r.stderr).toMatch(err);
    }
  });

  it('pod stats --no-stream: every running container of the pods, podman\'s columns; JSON and templates', async () => {
    const table = await ok(['pod', 'stats', '--no-stream', '--no-reset', 'tp']);
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^POD\s+CID\s+NAME\s+CPU %\s+MEM USAGE\/ LIMIT\s+MEM %\s+NET IO\s+BLOCK IO\s+PIDS$/);
    expect(lines).toHaveLength(4);
    const podId = (await ok(['pod', 'inspect', '--format', '{{.Id}}', 'tp'])).trim();
    for (const l of lines.slice(1)) expect(l.startsWith(`${podId.slice(0, 12)}  `)).toBe(true);
    const json = JSON.parse(await ok(['pod', 'stats', '--no-stream', '--format', 'json', 'tp'])) as Array<Record<string, string>>;
    expect(json.map((r) => r.Name)).toEqual([`${podId.slice(0, 12)}-infra`, 'tp-a', 'tp-b']);
    expect(Object.keys(json[0]!)).toEqual(['CPU', 'MemUsage', 'MemUsageBytes', 'Mem', 'NetIO', 'BlockIO', 'PIDS', 'Pod', 'CID', 'Name']);
    const b = json[2]!;
    expect(b.PIDS).toBe('2');
    expect(b.MemUsage).toMatch(/^[\d.]+[kMG]?B \/ [\d.]+[kMG]?B$/);
    expect(b.MemUsageBytes).toMatch(/^[\d.]+(B|KiB|MiB) \/ [\d.]+(MiB|GiB)$/);
    expect(b.CPU).toMatch(/^(--|\d+\.\d\d%)$/);
    // podman's default: no pod named is every pod; a pod with nothing running adds no row.
    const all = (await ok(['pod', 'stats', '--no-stream', '--no-reset', '--format', '{{.Name}} {{.PIDS}}'])).trim().split('\n').sort();
    // Members of a --share +pid pod share one pid namespace: each is read by its own processes (its mount namespace), not the pod's all.
    expect(all.filter((l) => !l.includes('-infra'))).toEqual(['sh-a 1', 'sh-b 1', 'tp-a 1', 'tp-b 2']);
    // A process exec'd into a +pid member counts for that member only.
    await ok(['exec', '-d', 'sh-b', 'sleep', '1006']);
    let shared: string[] = [];
    for (let i = 0; i < 50 && !shared.includes('sh-b 2'); i++) {
      shared = (await ok(['pod', 'stats', '--no-stream', '--no-reset', '--format', '{{.Name}} {{.PIDS}}', 'shared'])).trim().split('\n').sort();
      if (!shared.includes('sh-b 2')) await new Promise((r) => setTimeout(r, 100));
    }
    expect(shared.filter((l) => !l.includes('-infra'))).toEqual(['sh-a 1', 'sh-b 2']);
    expect(shared.find((l) => l.includes('-infra'))).toMatch(/ 1$/);
    // Headers of a table template; podman clears the screen first unless --no-reset.
    expect(await ok(['pod', 'stats', '--no-stream', '--format', 'table {{.Name}} {{.PIDS}}', 'tp'])).toMatch(/^\x1b\[2J\x1b\[1;1HNAME\s+PIDS\ntp-a|NAME\s+PIDS\n/);
    // Nothing running: a row of -- in the table, [] in JSON, nothing for a template.
    expect(await ok(['pod', 'stats', '--no-stream', '--no-reset', 'idle'])).toMatch(/^POD.*\n--\s+--\s+--\s+--\s+--\s+--\s+--\s+--\s+--\n$/);
    expect(await ok(['pod', 'stats', '--no-stream', '--format', 'json', 'idle'])).toBe('[]\n');
    expect(await ok(['pod', 'stats', '--no-stream', '--no-reset', '--format', '{{.Name}}', 'idle'])).toBe('');
  });

  it('pod stats and pod clone: bad input as podman', async () => {
    const r = await run(['pod', 'stats', '--all', '--latest']);
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toBe('Error: --all, --latest and arguments cannot be used together\n');
    const n = await run(['pod', 'stats', '--no-stream', 'nope']);
    expect(n.exitCode).toBe(125);
    expect(n.stderr).toBe('Error: unable to get list of pods: no pod with name or ID nope found: no such pod\n');
    const c = await run(['pod', 'clone', 'tp']);
    expect(c.exitCode).toBe(125);
    expect(c.stderr).toMatch(/^Error: pod clone is not supported/);
  });
}

describe('pod top, pod stats (test user)', () => suite('user'));
describe.runIf(isRoot())('pod top, pod stats (root)', () => suite('root'));
