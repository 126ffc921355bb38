import { describe, expect, it } from 'vitest';
import { alignColumns, formatList } from '../../../src/format/output.js';
import { GoTemplate } from '../../../src/format/template.js';
import { lastCreated, portsText, psDefaultCells, psJson, psRow, psStatus, PS_COLUMNS, PS_HEADERS } from '../../../src/runtime/views/ps-view.js';
import type { ContainerRecord, ContainerState } from '../../../src/storage/containers.js';

const now = new Date('2026-11-22T12:00:10.500Z');

function rec(over: Partial<ContainerRecord> & { state: ContainerState }): ContainerRecord {
  return {
    id: '7afb353a2811a52c92c9c16b2588c37cc96d447cf908f31902ee0ab3e0dc83ca',
    name: 'ex0',
    image: '7a689c65ee6402631732b5a781860d61fff5edef30ca78c801f7ec6265a54919',
    imageName: 'localhost/bb:latest',
    layers: [],
    created: '2026-11-22T12:00:05.100Z',
    autoRemove: false,
    config: {
      command: ['sh', '-c', 'echo hello; sleep 1000'],
      entrypoint: [],
      cmd: ['sh', '-c', 'echo hello; sleep 1000'],
      env: [],
      workingDir: '/',
      user: '',
      uid: 0,
      gid: 0,
      hostname: '7afb353a2811',
      network: 'host',
    },
    ...over,
  };
}

describe('psStatus (podman 4.3 wording)', () => {
  it('created, running, exited, removing', () => {
    expect(psStatus(rec({ state: { status: 'created' } }), now)).toBe('Created');
    expect(psStatus(rec({ state: { status: 'running', startedAt: '2026-11-22T12:00:07.900Z' } }), now)).toBe('Up 3 seconds ago');
    expect(psStatus(rec({ state: { status: 'running', startedAt: '2026-11-22T11:57:00Z' } }), now)).toBe('Up 3 minutes ago');
    expect(psStatus(rec({ state: { status: 'exited', exitCode: 137, finishedAt: '2026-11-22T12:00:10.200Z' } }), now)).toBe(
      'Exited (137) Less than a second ago',
    );
    expect(psStatus(rec({ state: { status: 'exited', exitCode: -1, finishedAt: '2026-11-22T10:00:00Z' } }), now)).toBe('Exited (-1) 2 hours ago');
    expect(psStatus(rec({ state: { status: 'removing' } }), now)).toBe('Removing');
  });
  it('measures from the whole second, as podman (time.Unix(sec, 0))', () => {
    // started 1.4 s before now, but at .9 of a second: podman says 2 seconds
    expect(psStatus(rec({ state: { status: 'running', startedAt: '2026-11-22T12:00:08.900Z' } }), now)).toBe('Up 2 seconds ago');
  });
});

describe('psJson', () => {
  it('has podman 4.3 keys in podman order, Go zero times as -62135596800', () => {
    const j = psJson(rec({ state: { status: 'created' } }), { now, noTrunc: false });
    expect(Object.keys(j)).toEqual([
      'AutoRemove', 'Command', 'CreatedAt', 'Exited', 'ExitedAt', 'ExitCode', 'Id', 'Image', 'ImageID', 'IsInfra', 'Labels',
      'Mounts', 'Names', 'Namespaces', 'Networks', 'Pid', 'Pod', 'PodName', 'Ports', 'Size', 'StartedAt', 'State', 'Status', 'Created',
    ]);
    expect(j).toMatchObject({
      ExitedAt: -62135596800,
      StartedAt: -62135596800,
      Exited: false,
      State: 'created',
      Status: 'Created',
      Labels: null,
      Ports: null,
      Size: null,
      Pid: 0,
      Names: ['ex0'],
      Created: Math.floor(Date.parse('2026-11-22T12:00:05.100Z') / 1000),
      CreatedAt: '5 seconds ago',
    });
  });
  it('running: Pid of the container process; exited: code and time', () => {
    const r = psJson(rec({ state: { status: 'running', startedAt: '2026-11-22T12:00:06Z', pid: 99, pidStartTime: 1 } }), { now, noTrunc: false });
    expect(r).toMatchObject({ State: 'running', Pid: 99, StartedAt: Date.parse('2026-11-22T12:00:06Z') / 1000 });
    const e = psJson(rec({ state: { status: 'exited', exitCode: 2, finishedAt: '2026-11-22T12:00:09Z', pid: 99 } }), { now, noTrunc: false });
    expect(e).toMatchObject({ State: 'exited', Exited: true, ExitCode: 2, Pid: 0, ExitedAt: Date.parse('2026-11-22T12:00:09Z') / 1000 });
  });
  it('labels, ports and sizes when there are some', () => {
    const r = rec({
      state: { status: 'created' },
      config: { ...rec({ state: { status: 'created' } }).config, labels: { a: 'b' }, ports: [{ hostPort: 8080, containerPort: 80 }] },
    });
    const j = psJson(r, { now, noTrunc: false, size: { rw: 12, rootFs: 1_980_000 } });
    expect(j.Labels).toEqual({ a: 'b' });
    expect(j.Ports).toEqual([{ host_ip: '', container_port: 80, host_port: 8080, range: 1, protocol: 'tcp' }]);
    expect(j.Size).toEqual({ RwSize: 12, RootFsSize: 1_980_000 });
    expect(psRow(r, { now, noTrunc: false, size: { rw: 12, rootFs: 1_980_000 } }).Size).toBe('12B (virtual 1.98MB)');
  });
});

describe('psRow (what templates see)', () => {
  const r = rec({ state: { status: 'exited', exitCode: 0, finishedAt: '2026-11-22T12:00:08Z' } });
  it('truncates ID, ImageID and Command unless --no-trunc', () => {
    const row = psRow(r, { now, noTrunc: false });
    expect(row.ID).toBe('7afb353a2811');
    expect(row.ImageID).toBe('7a689c65ee64');
    expect(row.Command).toBe('sh -c echo hello;...');
    const full = psRow(r, { now, noTrunc: true });
    expect(full.ID).toBe(r.id);
    expect(full.Command).toBe('sh -c echo hello; sleep 1000');
  });
  it('renders podman 4.3 template fields', () => {
    const row = psRow(r, { now, noTrunc: false });
    const t = (src: string) => new GoTemplate(src).render(row);
    expect(t('{{.Names}}|{{.State}}|{{.Status}}|{{.Labels}}|{{json .Labels}}|{{.Mounts}}|{{.Networks}}|{{.Ports}}|{{.Pid}}')).toBe(
      'ex0|Exited (0) 2 seconds ago|Exited (0) 2 seconds ago|map[]|null|[]|||0',
    );
    expect(t('{{.CreatedAt}}')).toBe('2026-11-22 12:00:05.1 +0000 UTC');
    expect(t('{{.Created.Unix}}')).toBe(String(Math.floor(Date.parse(r.created) / 1000)));
    expect(t('{{.Id}}')).toBe(r.id);
    expect(() => t('{{.Nope}}')).toThrow(/can't evaluate field Nope/);
  });
  it('lays out the default table as podman', () => {
    const out = formatList([psRow(r, { now, noTrunc: false })], { columns: [...PS_COLUMNS], headers: PS_HEADERS });
    expect(out).toBe(
      'CONTAINER ID  IMAGE                COMMAND               CREATED        STATUS                    PORTS       NAMES\n' +
        '7afb353a2811  localhost/bb:latest  sh -c echo hello;...  5 seconds ago  Exited (0) 2 seconds ago              ex0\n',
    );
  });
});

describe('psDefaultCells (the default table without the template engine)', () => {
  it('renders exactly what the template of the default columns renders', () => {
    const recs = [
      rec({ state: { status: 'created' } }),
      rec({ state: { status: 'running', startedAt: '2026-11-22T12:00:01Z' }, config: { ...rec({ state: { status: 'created' } }).config, ports: [{ hostPort: 1, containerPort: 2 }] } }),
      rec({ state: { status: 'exited', exitCode: 3, finishedAt: '2026-11-22T11:00:00Z' }, config: { ...rec({ state: { status: 'created' } }).config, command: ['true'] } }),
    ];
    for (const noTrunc of [false, true]) {
      for (const size of [undefined, { rw: 5, rootFs: 123456 }]) {
        const cols = size ? [...PS_COLUMNS, { field: 'Size' }] : [...PS_COLUMNS];
        const viaTemplate = formatList(recs.map((r) => psRow(r, { now, noTrunc, size })), { columns: cols, headers: PS_HEADERS });
        const lines = recs.map((r) => psDefaultCells(r, { now, noTrunc, size }).join('\t'));
        lines.unshift(cols.map((c) => ('header' in c && c.header) || c.field.toUpperCase()).join('\t'));
        expect(alignColumns(lines.join('\n')) + '\n').toBe(viaTemplate);
      }
    }
  });
});

describe('order', () => {
  const mk = (name: string, created: string) => rec({ name, id: name.padEnd(64, '0'), created, state: { status: 'created' } });
  const a = mk('a', '2026-11-22T10:00:00Z');
  const b = mk('b', '2026-11-22T11:00:00Z');
  const c = mk('c', '2026-11-22T09:00:00Z');
  it('oldest first; -n keeps the newest N', () => {
    expect(lastCreated([a, b, c], -1).map((x) => x.name)).toEqual(['c', 'a', 'b']);
    expect(lastCreated([a, b, c], 2).map((x) => x.name)).toEqual(['a', 'b']);
    expect(lastCreated([a, b, c], 0)).toEqual([]);
  });
});

describe('portsText', () => {
  it('single ports and ranges', () => {
    expect(portsText(null)).toBe('');
    expect(
      portsText([
        { host_ip: '', container_port: 80, host_port: 8080, range: 1, protocol: 'tcp' },
        { host_ip: '127.0.0.1', container_port: 9000, host_port: 9000, range: 2, protocol: 'udp' },
      ]),
    ).toBe('0.0.0.0:8080->80/tcp, 127.0.0.1:9000-9001->9000-9001/udp');
  });
});
