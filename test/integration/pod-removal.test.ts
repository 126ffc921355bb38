// What takes a pod away, and what must not, as the test user: rmi -f of an
// image a member uses removes the whole pod (podman); system prune removes
// pods with nothing running ("Deleted Pods" after the containers, as
// podman prints them) and keeps running ones; system reset removes every
// pod; a member started after the infra was killed -9 starts the same
// infra again (same id and name, the pod's port published anew).

import fs from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, freePort, sandboxCli } from '../harness/index.js';
import { importBusybox } from '../harness/fixtures.js';
import { busyboxSandbox, disposeSandbox, readRecord, until } from './run-util.js';


function get(port: number): Promise<string> {
  return new Promise((resolve) => {
    http
      .get({ host: '127.0.0.1', port, path: '/i', timeout: 3000 }, (res) => {
        let body = '';
        res.on('data', (b: Buffer) => (body += b.toString()));
        res.on('end', () => resolve(body));
      })
      .on('error', () => resolve(''));
  });
}

describe('pod removal and infra recovery (test user)', () => {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb, 90_000);
  const podIds = async () => (await ok(['pod', 'ps', '-q', '--no-trunc'])).trim().split('\n').filter(Boolean).sort();

  beforeAll(async () => {
    sb = await busyboxSandbox('pod-removal', 'user');
    await importBusybox(sb, { ref: 'other', tarName: 'other.tar', rootfs: { extra: [{ name: 'other.txt', content: 'another image\n' }] } });
  }, 120_000);
  afterAll(async () => {
    await cli(['pod', 'rm', '-f', '-a', '-t', '0']);
    await disposeSandbox(sb);
  });

  it('rmi -f of an image a pod member uses removes the whole pod', async () => {
    const podId = (await ok(['pod', 'create', '--name', 'imgpod'])).trim();
    await ok(['create', '--pod', 'imgpod', '--name', 'uses-other', 'other', 'sleep', '600']);
    await ok(['create', '--pod', 'imgpod', '--name', 'uses-bb', 'bb', 'sleep', '600']);
    const plain = (await cli(['rmi', 'other'])).exitCode;
    expect(plain).toBe(2); // in use, without -f
    const out = await ok(['rmi', '-f', 'other']);
    expect(out).toMatch(/^Untagged: localhost\/other:latest\nDeleted: [0-9a-f]{64}\n$/);
    expect(await podIds()).not.toContain(podId);
    expect(await ok(['ps', '-a', '--format', '{{.Names}}'])).toBe('');
    expect(fs.existsSync(`${sb.root}/pods/${podId}`)).toBe(false);
  });

  it('system prune removes pods with nothing running (printed after the containers) and keeps running ones; system reset removes every pod', async () => {
    const idle = (await ok(['pod', 'create', '--name', 'idle'])).trim();
    await ok(['create', '--pod', 'idle', '--name', 'idle-m', 'bb', 'true']);
    const busy = (await ok(['pod', 'create', '--name', 'busy'])).trim();
    await ok(['run', '-d', '--pod', 'busy', '--name', 'busy-m', 'bb', 'sleep', '600']);
    await ok(['run', '--name', 'loose', 'bb', 'true']);
    const out = await ok(['system', 'prune', '-f']);
    expect(out).toMatch(new RegExp(`^Deleted Containers\\n[0-9a-f]{64}\\nDeleted Pods\\n${idle}\\n(.|\\n)*Total reclaimed space: `));
    expect(await podIds()).toEqual([busy]);
    expect((await ok(['ps', '-a', '--format', '{{.Names}}'])).trim().split('\n').sort()).toEqual([`${busy.slice(0, 12)}-infra`, 'busy-m'].sort());
    const memberPid = readRecord(sb, (await ok(['inspect', '--format', '{{.Id}}', 'busy-m'])).trim()).state.pid!;

    await ok(['system', 'reset', '-f']);
    expect(fs.existsSync(`/proc/${memberPid}`)).toBe(false);
    expect(await podIds()).toEqual([]);
    await importBusybox(sb);
  });

  it('a member started after the infra was killed -9 starts the same infra again, the pod\'s port published anew', async () => {
    const port = await freePort();
    const podId = (await ok(['pod', 'create', '--name', 'phoenix', '-p', `127.0.0.1:${port}:80`])).trim();
    await ok(['run', '-d', '--pod', 'phoenix', '--name', 'first', 'bb', 'sleep', '600']);
    const infraId = (await ok(['pod', 'inspect', '--format', '{{.InfraContainerID}}', 'phoenix'])).trim();
    const oldPid = readRecord(sb, infraId).state.pid!;
    process.kill(oldPid, 'SIGKILL');
    await until(() => !fs.existsSync(`/proc/${oldPid}`), 10_000, 'the infra gone');
    await until(() => readRecord(sb, infraId).state.status !== 'running', 10_000, 'the infra\'s death recorded');
    expect((await ok(['pod', 'ps', '--format', '{{.Name}} {{.Status}}'])).trim()).toBe('phoenix Degraded');

    await ok(['run', '-d', '--pod', 'phoenix', '--name', 'second', 'bb', 'sh', '-c', 'mkdir /w && echo back > /w/i && exec httpd -f -p 80 -h /w']);
    const insp = JSON.parse(await ok(['pod', 'inspect', 'phoenix'])) as { Id: string; InfraContainerID: string; State: string };
    expect([insp.Id, insp.InfraContainerID, insp.State]).toEqual([podId, infraId, 'Running']);
    const newPid = readRecord(sb, infraId).state.pid!;
    expect(newPid).not.toBe(oldPid);
    let body = '';
    for (let i = 0; i < 50 && body === ''; i++) {
      body = await get(port);
      if (!body) await new Promise((r) => setTimeout(r, 100));
    }
    expect(body).toBe('back\n');
    // The new member lives in the new infra's namespaces (the first stays in the old ones, as in podman).
    const second = readRecord(sb, (await ok(['inspect', '--format', '{{.Id}}', 'second'])).trim()).state.pid!;
    expect(fs.readlinkSync(`/proc/${second}/ns/net`)).toBe(fs.readlinkSync(`/proc/${newPid}/ns/net`));
    expect(await ok(['pod', 'rm', '-f', '-t', '0', 'phoenix'])).toBe(`${podId}\n`);
  });
});
