// system df: podman 4.3's computation (shared vs unique per image, a summary
// that sums the per-tag rows) and its summary, verbose and JSON renderings.
import { describe, expect, it } from 'vitest';
import { imageDiskUsage, renderDiskUsage, summarize, type DfInput } from '../../../src/image/disk-usage.js';

const now = new Date('2026-01-01T01:00:00Z');
const input: DfInput = {
  images: [
    { id: '1'.repeat(64), names: ['localhost/one:1', 'localhost/one:2'], created: new Date('2026-01-01T00:00:00Z'), layers: ['L1', 'L2'], metaSize: 1000, containers: 1 },
    { id: '2'.repeat(64), names: [], created: new Date('2026-01-01T00:00:00Z'), layers: ['L1'], metaSize: 500, containers: 0 },
  ],
  layerSizes: new Map([
    ['L1', 1_000_000],
    ['L2', 2_000],
    ['ORPHAN', 10],
  ]),
  containers: [
    { id: 'c'.repeat(64), image: '1'.repeat(64), command: ['sh', '-c', 'x'], created: new Date('2026-01-01T00:59:00Z'), status: 'exited', name: 'c1', rwSize: 4096, localVolumes: 2 },
    { id: 'd'.repeat(64), image: '1'.repeat(64), command: ['top'], created: new Date('2026-01-01T00:00:00Z'), status: 'running', name: 'c2', rwSize: 100 },
  ],
  volumes: [],
};

describe('system df', () => {
  it('counts each layer once; shared layers are shared size; config+manifest are unique', () => {
    const { reports, total } = imageDiskUsage(input);
    expect(total).toBe(1_000_000 + 2_000 + 10 + 1000 + 500);
    expect(reports.map((r) => [r.repository, r.tag, r.sharedSize, r.uniqueSize, r.size])).toEqual([
      ['localhost/one', '1', 1_000_000, 3_000, 1_003_000],
      ['localhost/one', '2', 1_000_000, 3_000, 1_003_000],
      ['<none>', '<none>', 1_000_000, 500, 1_000_500],
    ]);
  });
  it('summarises like podman: a row per tag, active images, reclaimable space', () => {
    expect(summarize(input)).toEqual([
      // podman 4.3 sums the rows: the two tags of one image count (and weigh) twice.
      { Type: 'Images', Total: 3, Active: 2, RawSize: 3_006_500, RawReclaimable: 1_000_500 },
      { Type: 'Containers', Total: 2, Active: 1, RawSize: 4196, RawReclaimable: 4096 },
      { Type: 'Local Volumes', Total: 0, Active: 0, RawSize: 0, RawReclaimable: 0 },
    ]);
  });
  it('renders the table, a template and JSON', () => {
    expect(renderDiskUsage(input, { verbose: false, now })).toBe(
      'TYPE           TOTAL       ACTIVE      SIZE        RECLAIMABLE\n' +
        'Images         3           2           3.006MB     1MB (33%)\n' +
        'Containers     2           1           4.196kB     4.096kB (98%)\n' +
        'Local Volumes  0           0           0B          0B (0%)\n',
    );
    expect(renderDiskUsage(input, { format: '{{.Type}}={{.RawSize}}', verbose: false, now })).toBe('Images=3006500\nContainers=4196\nLocal Volumes=0\n');
    // podman 4.3: {{json .}} marshals the row with its sizes in bytes, {{json .Size}} the human size; `json` is a plain template.
    const rows = renderDiskUsage(input, { format: '{{json .}}', verbose: false, now }).trim().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(rows[0]).toEqual({ Type: 'Images', Total: 3, Active: 2, Size: 3006500, Reclaimable: 1000500 });
    expect(rows).toHaveLength(3);
    expect(renderDiskUsage(input, { format: '{{json .Size}} {{.Reclaimable}}', verbose: false, now })).toBe('"3.006MB" 1MB (33%)\n"4.196kB" 4.096kB (98%)\n"0B" 0B (0%)\n');
    expect(renderDiskUsage(input, { format: 'json', verbose: false, now })).toBe('json\njson\njson\n');
  });
  it('renders -v in three sections like podman', () => {
    expect(renderDiskUsage({ ...input, containers: input.containers.slice(0, 1) }, { verbose: true, now })).toBe(
      'Images space usage:\n\n' +
        'REPOSITORY     TAG         IMAGE ID      CREATED        SIZE        SHARED SIZE  UNIQUE SIZE  CONTAINERS\n' +
        'localhost/one  1           111111111111  About an hour  1.003MB     1MB          3kB          1\n' +
        'localhost/one  2           111111111111  About an hour  1.003MB     1MB          3kB          1\n' +
        '<none>         <none>      222222222222  About an hour  1MB         1MB          500B         0\n' +
        '\nContainers space usage:\n\n' +
        'CONTAINER ID  IMAGE         COMMAND     LOCAL VOLUMES  SIZE        CREATED         STATUS      NAMES\n' +
        'cccccccccccc  111111111111  sh -c x     2              4.096kB     About a minute  exited      c1\n' +
        '\nLocal Volumes space usage:\n\n' +
        'VOLUME NAME  LINKS       SIZE\n',
    );
  });
  it('refuses --format with --verbose', () => {
    expect(() => renderDiskUsage(input, { format: 'json', verbose: true, now })).toThrow('cannot combine --format and --verbose flags');
  });
});
