// The views of docker compose v2.40's stats and volumes, and scale's arguments.

import { describe, expect, it } from 'vitest';
import { bytesSize, statsOutput, statsRow } from '../../../src/compose/stats-view.js';
import type { StatsSample } from '../../../src/format/stats-sample.js';
import { serviceVolumes, volumesOutput, type VolumeInfo } from '../../../src/compose/volumes-view.js';
import { parseReplicas } from '../../../src/cli/commands/compose-more.js';

const reading = (o: Partial<StatsSample>): StatsSample => ({
  id: 'a'.repeat(64), name: 'p-web-1', live: true, cpuNs: 0, cpuSystemNs: 0, memUsage: 1536 * 1024, memLimit: 8 * 1024 ** 3,
  netInput: 1234, netOutput: 0, blockInput: 4096, blockOutput: 1_500_000, pids: 3, startedAtMs: 0, takenAtMs: 10_000, ...o,
});

describe('compose stats (docker stats formatter)', () => {
  it('CPU % over the time since the previous reading; sizes in docker units', () => {
    const prev = reading({ cpuNs: 1e9, takenAtMs: 10_000 });
    const now = reading({ cpuNs: 1.5e9, takenAtMs: 11_000 });
    expect(statsRow(now, prev, false)).toEqual({
      BlockIO: '4.1kB / 1.5MB', CPUPerc: '50.00%', Container: 'aaaaaaaaaaaa', ID: 'aaaaaaaaaaaa', MemPerc: '0.02%',
      MemUsage: '1.5MiB / 8GiB', Name: 'p-web-1', NetIO: '1.23kB / 0B', PIDs: '3',
    });
    // No previous reading: since the start; a stopped container reads 0.
    expect(statsRow(reading({ cpuNs: 1e9, takenAtMs: 10_000 }), undefined, true).CPUPerc).toBe('10.00%');
    expect(statsRow(reading({ live: false, memUsage: 0, memLimit: 0 }), undefined, true)).toMatchObject({ CPUPerc: '0.00%', MemPerc: '0.00%', ID: 'a'.repeat(64) });
    expect(bytesSize(0)).toBe('0B');
    expect(bytesSize(1023)).toBe('1023B');
  });

  it('table with docker headers, json one object per line, templates', () => {
    const row = statsRow(reading({}), undefined, false);
    const table = statsOutput([row], undefined).split('\n');
    expect(table[0]).toMatch(/^CONTAINER ID {3}NAME {6}CPU % {5}MEM USAGE \/ LIMIT {3}MEM % {5}NET I\/O {7}BLOCK I\/O {7}PIDS$/);
    expect(table[1]).toMatch(/^aaaaaaaaaaaa {3}p-web-1 /);
    expect(JSON.parse(statsOutput([row], 'json'))).toEqual(row);
    expect(statsOutput([row, row], '{{.Name}}:{{.PIDs}}')).toBe('p-web-1:3\np-web-1:3\n');
    expect(statsOutput([row], 'table {{.Container}}\t{{.NetIO}}')).toBe('CONTAINER      NET I/O\naaaaaaaaaaaa   1.23kB / 0B\n');
  });
});

describe('compose volumes (docker volume formatter)', () => {
  const vols: VolumeInfo[] = [
    { Name: 'p_data', Driver: 'local', Mountpoint: '/v/p_data/_data', Scope: 'local', Labels: { 'com.docker.compose.volume': 'data', 'com.docker.compose.project': 'p' } },
    { Name: 'p_logs', Driver: 'local', Mountpoint: '/v/p_logs/_data', Scope: 'local', Labels: null },
  ];
  it('lists all, or those a set of mounts names', () => {
    expect(serviceVolumes(vols, undefined).map((v) => v.Name)).toEqual(['p_data', 'p_logs']);
    expect(serviceVolumes(vols, new Set(['p_logs', 'other'])).map((v) => v.Name)).toEqual(['p_logs']);
  });
  it('DRIVER / VOLUME NAME table, docker JSON keys, templates', () => {
    expect(volumesOutput(vols, 'table')).toBe('DRIVER    VOLUME NAME\nlocal     p_data\nlocal     p_logs\n');
    const o = JSON.parse(volumesOutput(vols.slice(0, 1), 'json')) as Record<string, string>;
    expect(Object.keys(o)).toEqual(['Availability', 'Driver', 'Group', 'Labels', 'Links', 'Mountpoint', 'Name', 'Scope', 'Size', 'Status']);
    expect(o.Labels).toBe('com.docker.compose.project=p,com.docker.compose.volume=data');
    expect(volumesOutput(vols, '{{.Name}} {{.Mountpoint}}')).toBe('p_data /v/p_data/_data\np_logs /v/p_logs/_data\n');
  });
});

describe('compose scale SERVICE=REPLICAS', () => {
  it('parses, and refuses what docker compose refuses', () => {
    expect(parseReplicas(['web=3', 'db=0'])).toEqual({ web: 3, db: 0 });
    expect(() => parseReplicas(['web'])).toThrow('invalid scale specifier: web');
    expect(() => parseReplicas(['=3'])).toThrow('invalid scale specifier: =3');
    expect(() => parseReplicas(['web='])).toThrow('invalid scale specifier: web=');
    expect(() => parseReplicas(['web=x'])).toThrow("invalid scale specifier: can't parse replica value as int: web=x");
    expect(() => parseReplicas(['web=-1'])).toThrow('cannot be negative');
  });
});

describe('compose config --variables', () => {
  it('finds each variable with its default, alternate value and whether it is required', async () => {
    const { extractVariables, variablesOutput } = await import('../../../src/compose/variables.js');
    const vars = extractVariables({ services: { web: { image: '${IMG:-bb}', environment: ['A=$PLAIN', 'B=${NEED:?set it}', 'C=${ALT:+x}', 'D=$$NOT', 'E=${OUTER:-${INNER-i}}'] } } });
    expect([...vars.keys()].sort()).toEqual(['ALT', 'IMG', 'INNER', 'NEED', 'OUTER', 'PLAIN']);
    expect(vars.get('IMG')).toEqual({ Name: 'IMG', DefaultValue: 'bb', PresenceValue: '', Required: false });
    expect(vars.get('NEED')!.Required).toBe(true);
    expect(vars.get('ALT')!.PresenceValue).toBe('x');
    expect(vars.get('OUTER')!.DefaultValue).toBe('${INNER-i}');
    expect(vars.get('INNER')!.DefaultValue).toBe('i');
    const table = variablesOutput(vars, 'table').split('\n');
    expect(table[0]).toBe('NAME                REQUIRED            DEFAULT VALUE       ALTERNATE VALUE');
    expect(table[1]).toBe('ALT                 false                                   x');
    expect(JSON.parse(variablesOutput(vars, 'json')).NEED).toEqual({ Name: 'NEED', DefaultValue: '', PresenceValue: '', Required: true });
  });
});
