// Pods as the unprivileged user (and a subset as root): an imageless infra
// holding the namespaces, members on localhost and by name, one hostname,
// ports published once, pid sharing, exit policies, kill -9 of the infra
// and of a member, podman's refusals, rm -a, events.

import fs from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, tscRun, tscRunOk, type As, type Sandbox, freePort } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, readRecord, until } from './run-util.js';


function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, timeout: 5000 }, (res) => {
        let body = '';
        res.on('data', (b: Buffer) => (body += b.toString()));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

function alive(pid: number | undefined): boolean {
  return pid !== undefined && fs.existsSync(`/proc/${pid}`);
}

function suite(as: As, full: boolean) {
  let sb: Sandbox;
  const run = (args: string[]) => tscRun(args, { sandbox: sb, timeoutMs: 60_000 });
  const ok = async (args: string[]) => (await tscRunOk(args, { sandbox: sb, timeoutMs: 60_000 })).stdout;

  beforeAll(async () => {
    sb = await busyboxSandbox(`pod-${as}`, as);
  });
  afterAll(() => disposeSandbox(sb));

  it('two members share the infra\'s network, ipc and uts: localhost, names in /etc/hosts, one hostname, ports published once by the infra', async () => {
    const port = await freePort();
    const podId = (await ok(['pod', 'create', '--name', 'web', '-p', `127.0.0.1:${port}:80`, '--label', 'app=shop'])).trim();
    expect(podId).toMatch(/^[0-9a-f]{64}$/);
    expect((await run(['pod', 'exists', 'web'])).exitCode).toBe(0);
    expect((await run(['pod', 'exists', 'nope'])).exitCode).toBe(1);
    const created = JSON.parse(await ok(['pod', 'inspect', 'web']));
    expect(created).toMatchObject({ Id: podId, Name: 'web', State: 'Created', Hostname: '', Labels: { app: 'shop' }, CreateInfra: true, NumContainers: 1, ExitPolicy: 'continue' });
    expect(created.SharedNamespaces).toEqual(['ipc', 'net', 'uts']);
    expect(created.InfraConfig.PortBindings).toEqual({ '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] });

    await ok(['run', '-d', '--pod', 'web', '--name', 'srv', 'bb', 'sh', '-c', 'echo served > /tmp/index.html; exec httpd -f -p 80 -h /tmp']);
    // The member's start started the infra; the port is the infra's.
    expect((await ok(['pod', 'ps', '--format', '{{.Name}} {{.Status}} {{.NumberOfContainers}}'])).trim()).toBe('web Running 2');
    await until(() => true, 100);
    let body = '';
    for (let i = 0; i < 50 && body === ''; i++) {
      body = await get(port, '/index.html').catch(() => '');
      if (!body) await new Promise((r) => setTimeout(r, 100));
    }
    expect(body).toBe('served\n');

    const r = await run(['run', '--rm', '--pod', 'web', '--name', 'cli', 'bb', 'sh', '-c',
      'hostname; wget -qO- http://localhost/index.html; wget -qO- http://srv/index.html; grep -c -w -e srv -e cli -e web /etc/hosts; for n in ipc uts net; do readlink /proc/self/ns/$n; done']);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 4)).toEqual(['web', 'served', 'served', '3']);
    const srvPid = readRecord(sb, (await ok(['inspect', '--format', '{{.Id}}', 'srv'])).trim()).state.pid!;
    expect(lines.slice(4)).toEqual(['ipc', 'uts', 'net'].map((n) => fs.readlinkSync(`/proc/${srvPid}/ns/${n}`)));
    // Its own pid namespace (pid is not shared by default).
    expect(fs.readlinkSync(`/proc/${srvPid}/ns/pid`)).not.toBe(fs.readlinkSync(`/proc/${readRecord(sb, created.InfraContainerID).state.pid}/ns/pid`));

    expect(JSON.parse(await ok(['pod', 'ps', '--format', 'json']))[0]).toMatchObject({ Id: podId, Name: 'web', Status: 'Running', InfraId: created.InfraContainerID, Labels: { app: 'shop' } });
    expect((await ok(['ps', '--pod', '--filter', 'pod=web', '--format', '{{.Names}} {{.PodName}} {{.IsInfra}}'])).trim().split('\n').sort()).toEqual([`${podId.slice(0, 12)}-infra web true`, 'srv web false']);
    expect((await ok(['inspect', '--format', '{{.Pod}}', 'srv'])).trim()).toBe(podId);

    // podman's refusals: the infra alone, a running pod without -f, a port on a member.
    const infraRm = await run(['rm', '-f', created.InfraContainerID]);
    expect([infraRm.exitCode, infraRm.stderr]).toEqual([125, `Error: container ${created.InfraContainerID} is the infra container of pod ${podId} and cannot be removed without removing the pod\n`]);
    const notForced = await run(['pod', 'rm', 'web']);
    expect(notForced.exitCode).toBe(125);
    expect(notForced.stderr).toMatch(/^Error: not all containers could be removed from pod .*running or paused containers cannot be removed without force/);
    expect((await run(['run', '--pod', 'web', '-p', '8081:80', 'bb', 'true'])).stderr).toMatch(/published or exposed ports must be defined when the pod is created/);

    expect((await ok(['pod', 'stop', '-t', '0', 'web'])).trim()).toBe(podId);
    expect((await ok(['pod', 'ps', '--format', '{{.Status}}'])).trim()).toBe('Exited');
    expect(alive(srvPid)).toBe(false);
    expect((await ok(['pod', 'start', 'web'])).trim()).toBe(podId);
    expect((await ok(['pod', 'inspect', '--format', '{{.State}}', 'web'])).trim()).toBe('Running');
    expect((await ok(['pod', 'rm', '-f', '-t', '0', 'web'])).trim()).toBe(podId);
    expect((await ok(['ps', '-a', '-q'])).trim()).toBe('');
    expect((await ok(['pod', 'ps', '-q'])).trim()).toBe('');
    const events = (await ok(['events', '--stream=false', '--filter', 'type=pod', '--format', '{{.Status}} {{.Name}}'])).trim().split('\n');
    expect(events).toEqual(expect.arrayContaining(['create web', 'start web', 'stop web', 'remove web']));
  });

  it('--share +pid: members see each other\'s processes; the infra is PID 1', async () => {
    await ok(['pod', 'create', '--name', 'pids', '--share', '+pid']);
    await ok(['run', '-d', '--pod', 'pids', '--name', 'sleeper', 'bb', 'sleep', '600']);
    const out = await ok(['run', '--rm', '--pod', 'pids', 'bb', 'ps', '-o', 'pid,args']);
    expect(out).toMatch(/\n\s+1 .*tsc-run-h/);
    expect(out).toMatch(/sleep 600/);
    expect(JSON.parse(await ok(['pod', 'inspect', 'pids'])).SharedNamespaces).toEqual(['ipc', 'net', 'pid', 'uts']);
    await ok(['pod', 'rm', '-f', '-t', '0', 'pids']);
  });

  it('pod logs: every member\'s log (not the infra\'s), prefixed as logs does; -c one member', async () => {
    await ok(['pod', 'create', '--name', 'lg']);
    const one = (await ok(['run', '-d', '--pod', 'lg', '--name', 'lg1', 'bb', 'echo', 'one'])).trim();
    const two = (await ok(['run', '-d', '--pod', 'lg', '--name', 'lg2', 'bb', 'echo', 'two'])).trim();
    await ok(['wait', 'lg1', 'lg2']);
    expect((await ok(['pod', 'logs', 'lg'])).split('\n').sort()).toEqual(['', `${one.slice(0, 12)} one`, `${two.slice(0, 12)} two`].sort());
    expect(await ok(['pod', 'logs', '-c', 'lg2', 'lg'])).toBe('two\n');
    const bad = await run(['pod', 'logs', '-c', 'nope', 'lg']);
    expect([bad.exitCode, bad.stderr]).toEqual([125, 'Error: container nope is not in pod lg: no such container\n']);
    await ok(['pod', 'rm', '-f', '-t', '0', 'lg']);
  });

  it('kill -9 of a member does not take the pod down; kill -9 of the infra: ps and pod commands report it and clean up', async () => {
    const podId = (await ok(['pod', 'create', '--name', 'k9'])).trim();
    await ok(['run', '-d', '--pod', 'k9', '--name', 'k9a', 'bb', 'sleep', '600']);
    await ok(['run', '-d', '--pod', 'k9', '--name', 'k9b', 'bb', 'sleep', '600']);
    const a = readRecord(sb, (await ok(['inspect', '--format', '{{.Id}}', 'k9a'])).trim()).state.pid!;
    process.kill(a, 'SIGKILL');
    await until(() => !alive(a), 10_000, 'k9a gone');
    await until(() => true, 100);
    const infraId = JSON.parse(await ok(['pod', 'inspect', 'k9'])).InfraContainerID as string;
    const infraPid = readRecord(sb, infraId).state.pid!;
    expect(alive(infraPid)).toBe(true);
    expect((await ok(['pod', 'ps', '--filter', 'name=k9', '--format', '{{.Status}}'])).trim()).toBe('Degraded');
    process.kill(infraPid, 'SIGKILL');
    await until(() => !alive(infraPid), 10_000, 'the infra gone');
    const states = (await ok(['ps', '-a', '--filter', 'pod=k9', '--format', '{{.Names}} {{.Status}}'])).trim().split('\n').sort();
    expect(states.map((s) => s.replace(/ (Exited \(\d+\)|Up) .*/, ' $1'))).toEqual([`${podId.slice(0, 12)}-infra Exited (137)`, 'k9a Exited (137)', 'k9b Up']);
    const b = readRecord(sb, (await ok(['inspect', '--format', '{{.Id}}', 'k9b'])).trim()).state.pid!;
    expect((await ok(['pod', 'rm', '-f', '-t', '0', 'k9'])).trim()).toBe(podId);
    expect(alive(b)).toBe(false);
    expect((await ok(['ps', '-a', '-q'])).trim()).toBe('');
  });

  it.runIf(full)('--exit-policy stop: the pod stops when its last member exits; continue keeps the infra', async () => {
    await ok(['pod', 'create', '--name', 'once', '--exit-policy', 'stop']);
    await ok(['pod', 'create', '--name', 'stays']);
    await ok(['run', '-d', '--pod', 'once', 'bb', 'sleep', '0.3']);
    await ok(['run', '-d', '--pod', 'stays', 'bb', 'sleep', '0.3']);
    const status = async (p: string) => (await ok(['pod', 'inspect', '--format', '{{.State}}', p])).trim();
    for (let i = 0; i < 100 && (await status('once')) !== 'Exited'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await status('once')).toBe('Exited');
    expect(await status('stays')).toBe('Degraded');
    expect(JSON.parse(await ok(['pod', 'inspect', 'once'])).ExitPolicy).toBe('stop');
    // A foreground member counts too (pod start started the sleeper again: wait for it first).
    await ok(['pod', 'start', 'once']);
    for (let i = 0; i < 100 && (await status('once')) !== 'Exited'; i++) await new Promise((r) => setTimeout(r, 100));
    await ok(['pod', 'start', 'once']);
    await ok(['run', '--rm', '--pod', 'once', 'bb', 'sleep', '2']);
    expect(await status('once')).toBe('Exited');
    await ok(['pod', 'rm', '-f', '-t', '0', 'once', 'stays']);
  });

  it.runIf(full)('run --pod new:NAME, --pod-id-file, --infra=false, prune, rm -a takes pods with it', async () => {
    const idFile = `${sb.dir}/pod.id`;
    await ok(['pod', 'create', '--name', 'byfile', '--pod-id-file', idFile]);
    const id = fs.readFileSync(idFile, 'utf8');
    expect((await run(['pod', 'create', '--name', 'again', '--pod-id-file', idFile])).stderr).toMatch(/pod id file exists/);
    await ok(['create', '--pod-id-file', idFile, '--name', 'f1', 'bb', 'true']);
    expect((await ok(['ps', '-a', '--filter', `pod=${id.slice(0, 6)}`, '--format', '{{.Names}}'])).split('\n')).toContain('f1');
    await ok(['run', '-d', '--pod', 'new:fresh', '--name', 'n1', 'bb', 'sleep', '600']);
    expect((await ok(['pod', 'ps', '--filter', 'name=fresh', '--format', '{{.Name}} {{.Status}}'])).trim()).toBe('fresh Running');
    await ok(['pod', 'create', '--name', 'bare', '--infra=false']);
    const bare = JSON.parse(await ok(['pod', 'inspect', 'bare']));
    expect([bare.CreateInfra, bare.NumContainers, 'InfraConfig' in bare]).toEqual([false, 0, false]);
    expect((await run(['pod', 'create', '--infra=false', '-p', '80:80'])).stderr).toBe('Error: you must have an infra container to publish port bindings to the host\n');
    // prune: pods with nothing running (byfile, bare), not fresh.
    const pruned = (await run(['pod', 'prune', '-f'])).stdout.trim().split('\n').sort();
    expect(pruned).toEqual([id, bare.Id].sort());
    await ok(['rm', '-fa', '-t', '0']);
    expect((await ok(['pod', 'ps', '-q'])).trim()).toBe('');
  });

  it('bad input: one line, podman\'s exit codes, nothing half-made', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['pod', 'create', '--share', 'bogus'], /^Error: invalid kernel namespace to share: bogus/],
      [['pod', 'create', '--exit-policy', 'later'], /^Error: running pod create option: invalid pod exit policy: "later"/],
      [['pod', 'create', '--infra-command', '/pause'], /^Error: --infra-command needs --infra-image here/],
      [['run', '--pod', 'nope', 'bb', 'true'], /^Error: no pod with name or ID nope found: no such pod/],
      [['pod', 'inspect', 'nope'], /^Error: inspecting object: no such pod nope$/m],
      [['pod', 'bogus'], /^Error: unrecognized command `tsc-run pod bogus`/],
    ];
    for (const [args, re] of cases) {
      const r = await run(args);
      expect(r.exitCode, args.join(' ')).toBe(125);
      expect(r.stderr, args.join(' ')).toMatch(re);
      expect(r.stderr.split('\n').length, args.join(' ')).toBe(2);
    }
    await ok(['pod', 'create', '--name', 'dup']);
    expect((await run(['pod', 'create', '--name', 'dup'])).stderr).toMatch(/name "dup" is in use: pod already exists/);
    const replaced = (await ok(['pod', 'create', '--name', 'dup', '--replace'])).trim();
    expect((await ok(['pod', 'ps', '-q', '--no-trunc', '--filter', 'name=^dup$'])).trim()).toBe(replaced);
    await ok(['pod', 'rm', 'dup']);
    expect((await ok(['ps', '-a', '-q'])).trim()).toBe('');
  });
}

describe('pods (test user)', () => suite('user', true));
describe.runIf(isRoot())('pods (root)', () => suite('root', false));
