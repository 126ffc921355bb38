// Bridge networking's per-container runtime files (<runroot>/networks/pids/,
// ports/, allocations.json entries) go once the processes they name are gone:
// at rm, network rm (and prune), system check --repair; and kill -9 of
// `network create`, `network connect` and a start on a network at any moment
// leaves a state `network ls`, `run` and `system check` accept.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, cliArgv, disposeSandbox, sandboxCli, sleep, spawnLive } from './run-util.js';

describe('bridge network runtime files and kill -9 during set-up', () => {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb, 90_000);
  const netDir = () => path.join(sb.runroot, 'networks');
  /** The files of container `id` there are. */
  const filesOf = (id: string) =>
    [`pids/${id}`, `pids/${id}.monitor`, `ports/${id}.json`, `ports/${id}.log`].filter((f) => fs.existsSync(path.join(netDir(), f)));
  const allocated = (): string[] => {
    try {
      return Object.keys(JSON.parse(fs.readFileSync(path.join(netDir(), 'allocations.json'), 'utf8')) as object);
    } catch {
      return [];
    }
  };
  /** system check's network findings (it exits 125 when it finds any). */
  const networkFindings = async () => (await cli(['system', 'check'])).stdout.split('\n').filter((l) => l.startsWith('network\t'));

  beforeAll(async () => {
    sb = await busyboxSandbox('network-runtime-files', 'user');
    await ok(['network', 'create', '--subnet', '10.95.20.0/24', 'kf']);
  }, 120_000);
  afterAll(() => disposeSandbox(sb));

  it('removed at rm, network rm, system check --repair and system prune; kept while the container runs', async () => {
    const port = await freePort();
    const p1 = (await ok(['run', '-d', '--name', 'p1', '--network', 'kf', '-p', `127.0.0.1:${port}:80`, 'bb', 'httpd', '-f', '-p', '80'])).trim();
    const p2 = (await ok(['run', '-d', '--name', 'p2', '--network', 'kf', 'bb', 'sleep', '600'])).trim();
    expect(filesOf(p1).sort()).toEqual([`pids/${p1}`, `pids/${p1}.monitor`, `ports/${p1}.json`, `ports/${p1}.log`]);
    expect(filesOf(p2).sort()).toEqual([`pids/${p2}`, `pids/${p2}.monitor`]);
    // Running: nothing of theirs is stale.
    expect(await networkFindings()).toEqual([]);

    await ok(['rm', '-f', '-t', '0', 'p1']);
    expect(filesOf(p1)).toEqual([]);
    expect(allocated()).not.toContain(p1);

    // Stopped: its process is gone, its files stay until something sweeps them.
    await ok(['stop', '-t', '0', 'p2']);
    expect(filesOf(p2).length).toBe(2);
    const found = await networkFindings();
    expect(found.map((l) => l.split('\t')[1]).sort()).toEqual([path.join(netDir(), 'pids', p2), path.join(netDir(), 'pids', `${p2}.monitor`)]);
    const repaired = await ok(['system', 'check', '--repair']);
    expect(repaired).toContain(`network\t${path.join(netDir(), 'pids', p2)}\t`);
    expect(filesOf(p2)).toEqual([]);
    expect(await networkFindings()).toEqual([]);

    // network rm of another network sweeps them too.
    await ok(['start', 'p2']);
    await ok(['stop', '-t', '0', 'p2']);
    expect(filesOf(p2).length).toBe(2);
    await ok(['network', 'create', 'kx']);
    await ok(['network', 'rm', 'kx']);
    expect(filesOf(p2)).toEqual([]);

    // system prune removes the stopped container, and its files with it.
    await ok(['start', 'p2']);
    await ok(['stop', '-t', '0', 'p2']);
    expect(filesOf(p2).length).toBe(2);
    await ok(['system', 'prune', '-f']);
    expect(filesOf(p2)).toEqual([]);
    expect(allocated()).not.toContain(p2);
    expect(fs.readdirSync(path.join(netDir(), 'pids'))).toEqual([]);
  }, 240_000);

  it('kill -9 of network create, connect and run at any moment: ls, run and system check accept what is left', async () => {
    /** Start the command, kill -9 it after `ms` (if it still runs); its exit code. */
    const killedAfter = async (args: string[], ms: number) => {
      const live = spawnLive(sb, cliArgv(sb, args));
      const timer = setTimeout(() => {
        try {
          process.kill(live.child.pid!, 'SIGKILL');
        } catch {
          // already done
        }
      }, ms);
      const code = await live.exited;
      clearTimeout(timer);
      return code;
    };
    // (system prune above removed kf.)
    await ok(['network', 'create', '--subnet', '10.95.21.0/24', 'kg']);
    await ok(['run', '-d', '--name', 'target', '--network', 'kg', 'bb', 'sleep', '600']);
    const delays = [40, 120, 250, 450, 700, 1000];
    for (const [i, ms] of delays.entries()) {
      await killedAfter(['network', 'create', '--subnet', `10.95.${30 + i}.0/24`, `kc${i}`], ms);
      await killedAfter(['network', 'connect', 'kf2', 'target'], ms);
      await killedAfter(['run', '-d', '--network', 'kg', 'bb', 'sleep', '600'], ms);
      if (i === 0) await ok(['network', 'create', '--subnet', '10.95.29.0/24', 'kf2']);
      // ls and inspect of what is there answer; each network is whole or absent.
      const listed = (await ok(['network', 'ls', '--format', '{{.Name}}'])).split('\n').filter(Boolean);
      for (const n of listed) await ok(['network', 'inspect', n]);
      // Whatever the killed connect left, disconnect (forced) and connect again put it right.
      const nets = await ok(['inspect', '--format', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}', 'target']);
      if (nets.includes('kf2')) await ok(['network', 'disconnect', '-f', 'kf2', 'target']);
      await ok(['network', 'connect', 'kf2', 'target']);
      expect(await ok(['exec', 'target', 'ip', '-o', '-4', 'addr'])).toMatch(/inet 10\.95\.29\.\d+\//);
      await ok(['network', 'disconnect', 'kf2', 'target']);
    }
    // The killed runs' containers: repaired (folded in) or running; runtime files of dead ones swept.
    await cli(['system', 'check', '--repair']);
    const check = await cli(['system', 'check']);
    expect([check.exitCode, check.stdout], check.stderr).toEqual([0, 'No problems found\n']);
    expect(await ok(['run', '--rm', '--network', 'kg', 'bb', 'sh', '-c', 'nslookup target | tail -n +3'])).toMatch(/10\.95\.21\./);
    for (const [i] of delays.entries()) {
      const r = await cli(['network', 'exists', `kc${i}`]);
      if (r.exitCode === 0) await ok(['run', '--rm', '--network', `kc${i}`, 'bb', 'true']);
    }
    await ok(['rm', '-fa', '-t', '0']);
    await sleep(100);
    const left = fs.readdirSync(path.join(netDir(), 'pids'));
    const why = left.map((f) => {
      const t = fs.readFileSync(path.join(netDir(), 'pids', f), 'utf8').trim();
      const pid = Number(t.split(' ')[0]);
      let cmd: string;
      try {
        cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 200);
      } catch {
        cmd = 'gone';
      }
      return `${f}: ${t} ${cmd} mtime ${fs.statSync(path.join(netDir(), 'pids', f)).mtime.toISOString()}`;
    });
    expect(why).toEqual([]);
  }, 400_000);
});
