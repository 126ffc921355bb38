import { describe, expect, it } from 'vitest';
import { psOutput, psRow, statusText } from '../../../src/compose/ps-view.js';
import type { ProjectContainer } from '../../../src/compose/engine/state.js';

const st = (status: string, state = 'running', startedAt = 0) => statusText({ status, state, startedAt }, new Date(100_000));

describe('compose ps status in docker compose words', () => {
  it('drops podman\'s "ago" from a running container only; a paused one is Up ... (Paused)', () => {
    expect(st('Up 2 seconds ago')).toBe('Up 2 seconds');
    expect(st('Up About a minute ago (healthy)')).toBe('Up About a minute (healthy)');
    expect(st('Exited (0) 3 minutes ago', 'exited')).toBe('Exited (0) 3 minutes ago');
    expect(st('Created', 'created')).toBe('Created');
    expect(st('Paused', 'paused', 40)).toBe('Up About a minute (Paused)');
  });
});

describe('compose ps rows and formats (docker compose v2 cmd/formatter)', () => {
  const c = {
    name: 'p-a-1', id: 'f'.repeat(64), image: 'bb', command: ['sh', '-c', 'sleep 1000; echo done'], service: 'a', number: 1, oneoff: false, hash: '',
    created: 0, startedAt: 0, status: 'Up 1 second ago (unhealthy)', state: 'running', exitCode: 3, labels: { a: 'b' },
    ports: [{ host_ip: '', container_port: 80, host_port: 8080, range: 1, protocol: 'tcp' }],
  } as ProjectContainer;
  const now = new Date(61_000);
  it('JSON: every key of docker compose, sorted; ids of 12 and commands of 20 unless --no-trunc', () => {
    const row = psRow(c, 'p', { trunc: true, now }, { mounts: [{ name: 'p_data', local: true }, { name: '/home/u/a-long-bind-source', local: false }], networks: ['p_default'] });
    const o = JSON.parse(psOutput([row], 'json')) as Record<string, unknown>;
    expect(Object.keys(o)).toEqual(['Command', 'CreatedAt', 'ExitCode', 'Health', 'ID', 'Image', 'Labels', 'LocalVolumes', 'Mounts', 'Name', 'Names', 'Networks', 'Ports', 'Project', 'Publishers', 'RunningFor', 'Service', 'Size', 'State', 'Status']);
    expect(o).toMatchObject({
      Command: '"sh -c sleep 1000; e…"', CreatedAt: '1970-01-01 00:00:00 +0000 UTC', ExitCode: 0, Health: 'unhealthy', ID: 'ffffffffffff', Labels: 'a=b',
      LocalVolumes: '1', Mounts: 'p_data,/home/u/a-long…', Networks: 'p_default', Ports: '0.0.0.0:8080->80/tcp', RunningFor: 'About a minute ago', Size: '0B', Status: 'Up 1 second (unhealthy)',
    });
    expect(psRow(c, 'p', { trunc: false, now }).ID).toBe(c.id);
    expect(psRow({ ...c, state: 'exited', status: 'Exited (3) 1 second ago' }, 'p', { trunc: true, now }).ExitCode).toBe(3);
  });
  it('a table (default or a template, with docker\'s headers) and a plain template', () => {
    const rows = [psRow(c, 'p', { trunc: true, now })];
    expect(psOutput(rows, 'table').split('\n')[0]).toBe('NAME    IMAGE   COMMAND                  SERVICE   CREATED              STATUS                    PORTS');
    expect(psOutput(rows, 'table {{.ID}}\t{{.RunningFor}}')).toBe('CONTAINER ID   CREATED\nffffffffffff   About a minute ago\n');
    expect(psOutput(rows, '{{.Name}} {{.State}}')).toBe('p-a-1 running\n');
  });
});
