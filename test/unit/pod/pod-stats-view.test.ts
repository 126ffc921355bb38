import { describe, expect, it } from 'vitest';
import { renderPodStats, type PodStatsReport } from '../../../src/pod/pod-stats.js';
import { splitDescriptors } from '../../../src/pod/pod-top.js';

const row: PodStatsReport = {
  CPU: '1.50%',
  MemUsage: '2.064MB / 25.28GB',
  MemUsageBytes: '1.969MiB / 23.54GiB',
  Mem: '0.01%',
  NetIO: '-- / --',
  BlockIO: '0B / 86.02kB',
  PIDS: '1',
  Pod: '575022914317',
  CID: 'c5b9850626bb',
  Name: 'web',
};

describe('pod stats view', () => {
  it('podman\'s default table: its headers, one row per container, a row of -- when nothing runs', () => {
    expect(renderPodStats([row], { json: false }).split('\n')).toEqual([
      'POD           CID           NAME        CPU %       MEM USAGE/ LIMIT   MEM %       NET IO      BLOCK IO      PIDS',
      '575022914317  c5b9850626bb  web         1.50%       2.064MB / 25.28GB  0.01%       -- / --     0B / 86.02kB  1',
      '',
    ]);
    expect(renderPodStats([], { json: false })).toMatch(/^POD .*PIDS\n--( +--){8}\n$/);
  });

  it('JSON with podman\'s keys and five-space indent; [] when empty', () => {
    expect(renderPodStats([row], { json: true })).toBe(`${JSON.stringify([row], null, 5)}\n`);
    expect(renderPodStats([], { json: true })).toBe('[]\n');
  });

  it('templates: table headers as podman names them; nothing at all for no rows', () => {
    expect(renderPodStats([row], { json: false, format: 'table {{.Name}} {{.CPU}} {{.MemUsage}} {{.Mem}} {{.BlockIO}}' })).toBe(
      'NAME        CPU %       MEM USAGE/ LIMIT   MEM %       BLOCK IO\nweb         1.50%       2.064MB / 25.28GB  0.01%       0B / 86.02kB\n',
    );
    expect(renderPodStats([row], { json: false, format: '{{.Pod}}:{{.CID}}' })).toBe('575022914317:c5b9850626bb\n');
    expect(renderPodStats([], { json: false, format: '{{.Name}}' })).toBe('');
  });
});

describe('pod top descriptors', () => {
  it('comma lists split as psgo\'s caller does', () => {
    expect(splitDescriptors(['pid,user', 'args', ',comm,'])).toEqual(['pid', 'user', 'args', 'comm']);
  });
});
