// Pure views of the image commands: parent/child tree (dangling,
// intermediate), `images` rows and JSON, inspect JSON and template face,
// history rows, and names for tag/untag/rmi. Expected values are podman
// 4.3's output on this machine for the same kind of images.
import { describe, expect, it } from 'vitest';
import { ImageTree, areParentAndChild, type TreeImage } from '../../../src/image/image-tree.js';
import { imageRows, repoDigests, sortRows, summaryJson, type SummaryInput } from '../../../src/image/summary.js';
import { goRfc3339Nano, inspectJson, inspectView, ociConfigJson } from '../../../src/image/inspect-view.js';
import { historyLayers, renderHistory } from '../../../src/image/history-view.js';
import { normalizeTagName } from '../../../src/image/tag.js';
import { matchedName, rmiExitCode } from '../../../src/image/rmi.js';
import { ImageInUseError } from '../../../src/image/remove.js';
import { ImageUnknownError, type ImageRecord } from '../../../src/storage/images.js';
import { TscRunError } from '../../../src/errors.js';
import { GoTemplate } from '../../../src/format/template.js';
import { formatList } from '../../../src/format/output.js';
import type { ImageConfig } from '../../../src/image/oci.js';

const h = (by: string, extra: object = {}) => ({ created: '2026-01-01T00:00:00Z', created_by: by, ...extra });
const img = (id: string, layers: string[], history: ReturnType<typeof h>[], names: string[] = []): TreeImage => ({
  id,
  names,
  layers,
  diffIds: layers.map((l) => `sha256:${l}`),
  history,
});

describe('ImageTree', () => {
  const base = img('base', ['L1'], [h('ADD')], ['localhost/base:1']);
  const mid = img('mid', ['L1', 'L2'], [h('ADD'), h('RUN a')]);
  const leaf = img('leaf', ['L1', 'L2', 'L3'], [h('ADD'), h('RUN a'), h('RUN b')], ['localhost/leaf:1']);
  const envOnly = img('env', ['L1', 'L2', 'L3'], [h('ADD'), h('RUN a'), h('RUN b'), h('ENV x', { empty_layer: true })]);
  const other = img('other', ['L1'], [h('ADD other')]);
  const tree = new ImageTree([base, mid, leaf, envOnly, other]);

  it('finds parents on the layer below or the same top layer, by history', () => {
    expect(tree.parentOf(mid)?.id).toBe('base');
    expect(tree.parentOf(leaf)?.id).toBe('mid');
    expect(tree.parentOf(envOnly)?.id).toBe('leaf');
    expect(tree.parentOf(base)).toBeUndefined();
    expect(tree.parentOf(other)).toBeUndefined(); // same layer, different history
    expect(tree.childrenOf(base).map((i) => i.id)).toEqual(['mid']);
  });
  it('unnamed with children is intermediate, unnamed without is dangling', () => {
    expect(tree.isIntermediate(mid)).toBe(true);
    expect(tree.isDangling(mid)).toBe(false);
    expect(tree.isDangling(envOnly)).toBe(true);
    expect(tree.isDangling(other)).toBe(true);
    expect(tree.isDangling(leaf)).toBe(false); // named
  });
  it('areParentAndChild needs the diffIDs prefix and exactly one more history entry', () => {
    expect(areParentAndChild(base, leaf)).toBe(false);
    expect(areParentAndChild(base, mid)).toBe(true);
  });
});

const config = (o: Partial<ImageConfig> = {}): ImageConfig => ({
  created: '2026-11-22T11:30:16.218309344Z',
  architecture: 'amd64',
  os: 'linux',
  config: {},
  rootfs: { type: 'layers', diff_ids: ['sha256:' + '7'.repeat(64)] },
  history: [{ created: '2026-11-22T11:30:16.218309344Z', created_by: '/bin/sh -c #(nop) ADD file:' + '7'.repeat(64) + ' in /', comment: 'imported from tarball' }],
  ...o,
});

const summary = (o: Partial<SummaryInput> = {}): SummaryInput => ({
  id: 'b7ce2ba06107596d91eb549aca601b66070de10cda7aca6a3d0ea3e858bc2842',
  names: ['localhost/one:1'],
  namesHistory: ['localhost/one:1'],
  digest: 'sha256:408e22d557faa387b7743be6736abfff3669244614d2838908201ae2bd83416e',
  config: config(),
  size: 1987655,
  containers: 0,
  parentId: '',
  dangling: false,
  ...o,
});

describe('images rows and JSON', () => {
  const now = new Date('2026-11-24T12:00:00Z');
  it('JSON has podman 4.3\'s keys, order and values', () => {
    const j = summaryJson(summary());
    expect(Object.keys(j)).toEqual(['Id', 'ParentId', 'RepoTags', 'RepoDigests', 'Size', 'SharedSize', 'VirtualSize', 'Labels', 'Containers', 'Names', 'Digest', 'History', 'Created', 'CreatedAt']);
    expect(j).toMatchObject({
      RepoTags: null,
      RepoDigests: ['localhost/one@sha256:408e22d557faa387b7743be6736abfff3669244614d2838908201ae2bd83416e'],
      Labels: null,
      Created: 1795347016,
      CreatedAt: '2026-11-22T11:30:16Z',
    });
    const dangling = summaryJson(summary({ names: [], namesHistory: [], dangling: true }));
    expect(Object.keys(dangling)).toEqual(['Id', 'ParentId', 'RepoTags', 'RepoDigests', 'Size', 'SharedSize', 'VirtualSize', 'Labels', 'Containers', 'Dangling', 'Digest', 'Created', 'CreatedAt']);
    expect(dangling.RepoDigests).toEqual([]);
  });
  it('one row per tag; <none> for an unnamed image; template fields as podman renders them', () => {
    const rows = imageRows(summary({ names: ['localhost/one:1', 'quay.io/x/y:z'] }), { noTrunc: false, now });
    expect(rows.map((r) => `${r.Repository}:${r.Tag}`)).toEqual(['localhost/one:1', 'quay.io/x/y:z']);
    const r = rows[0]!;
    expect([r.ID, r.Created, r.Size, r.CreatedAt]).toEqual(['b7ce2ba06107', '2 days ago', '1.99 MB', '2026-11-22 11:30:16 +0000 UTC']);
    const t = new GoTemplate('{{.Repository}}:{{.Tag}} {{.Labels}} {{.Names}} {{.History}} {{.Dangling}}');
    expect(t.render(r)).toBe('localhost/one:1 map[] [localhost/one:1 quay.io/x/y:z] localhost/one:1 false');
    const unnamed = imageRows(summary({ names: [] }), { noTrunc: true, now });
    expect(unnamed.map((x) => [x.Repository, x.Tag, x.ID])).toEqual([['<none>', '<none>', 'sha256:b7ce2ba06107596d91eb549aca601b66070de10cda7aca6a3d0ea3e858bc2842']]);
  });
  it('a table template separates columns by spaces as podman does (`table {{.ID}} {{.Repository}}`)', () => {
    const rows = imageRows(summary(), { noTrunc: false, now });
    expect(formatList(rows, { format: 'table {{.ID}} {{.Repository}}', columns: [], headers: { ID: 'IMAGE ID' } })).toBe(
      'IMAGE ID      REPOSITORY\nb7ce2ba06107  localhost/one\n',
    );
  });
  it('RepoDigests are repo@digest per name, deduplicated and sorted', () => {
    expect(repoDigests(['localhost/b:1', 'localhost/a:1', 'localhost/a:2'], 'sha256:x')).toEqual(['localhost/a@sha256:x', 'localhost/b@sha256:x']);
  });
  it('sorts newest first by default, stable', () => {
    const rows = [
      { row: { Repository: 'b', Tag: '1' }, id: '2', created: 10, size: 5 },
      { row: { Repository: 'a', Tag: '2' }, id: '1', created: 20, size: 1 },
      { row: { Repository: 'c', Tag: '0' }, id: '3', created: 10, size: 9 },
    ] as unknown as Parameters<typeof sortRows>[0];
    expect(sortRows(rows, 'created').map((r) => r.id)).toEqual(['1', '2', '3']);
    expect(sortRows(rows, 'repository').map((r) => r.id)).toEqual(['1', '2', '3']);
    expect(sortRows(rows, 'tag').map((r) => r.id)).toEqual(['3', '2', '1']);
    expect(sortRows(rows, 'size').map((r) => r.id)).toEqual(['1', '2', '3']);
  });
});

describe('image inspect', () => {
  const input = {
    id: 'f'.repeat(64),
    names: ['localhost/three:latest'],
    namesHistory: ['localhost/three:latest'],
    digest: 'sha256:' + 'e'.repeat(64),
    manifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: config({ config: { Cmd: ['sh'], User: '1000', Env: ['X=1'], Labels: { a: 'b' } } }),
    manifest: undefined,
    size: 1987714,
    parentId: '',
    layerDirs: ['/s/layers/1/diff', '/s/layers/2/diff', '/s/layers/3/diff'],
    workDir: '/s/layers/3/work',
  };
  it('has podman\'s keys in order, Go\'s config field order, overlay driver data', () => {
    const j = inspectJson(input);
    expect(Object.keys(j)).toEqual([
      'Id', 'Digest', 'RepoTags', 'RepoDigests', 'Parent', 'Comment', 'Created', 'Config', 'Version', 'Author', 'Architecture', 'Os',
      'Size', 'VirtualSize', 'GraphDriver', 'RootFS', 'Labels', 'Annotations', 'ManifestType', 'User', 'History', 'NamesHistory',
    ]);
    expect(Object.keys(j.Config as object)).toEqual(['User', 'Env', 'Cmd', 'Labels']);
    expect(j.GraphDriver).toEqual({ Name: 'overlay', Data: { LowerDir: '/s/layers/2/diff:/s/layers/1/diff', UpperDir: '/s/layers/3/diff', WorkDir: '/s/layers/3/work' } });
    expect(j).toMatchObject({ Comment: 'imported from tarball', User: '1000', Created: '2026-11-22T11:30:16.218309344Z', Annotations: {}, Labels: { a: 'b' } });
  });
  it('templates see Go renderings ({{.ID}}, Go time, map[]) while JSON stays JSON', () => {
    const v = inspectView(inspectJson({ ...input, config: config(), namesHistory: [] }));
    expect(new GoTemplate('{{.ID}} {{.Created}} {{.Labels}} {{.NamesHistory}}').render(v)).toBe(
      `${'f'.repeat(64)} 2026-11-22 11:30:16.218309344 +0000 UTC map[] []`,
    );
    expect(JSON.parse(JSON.stringify(v))).toMatchObject({ Labels: null, NamesHistory: null, Created: '2026-11-22T11:30:16.218309344Z' });
  });
  it('helpers', () => {
    expect(goRfc3339Nano('2026-01-01T00:00:00.500Z')).toBe('2026-01-01T00:00:00.5Z');
    expect(goRfc3339Nano('2026-01-01T00:00:00.000Z')).toBe('2026-01-01T00:00:00Z');
    expect(ociConfigJson({ Env: [], WorkingDir: '', OnBuild: ['x'], Cmd: ['a'] })).toEqual({ Cmd: ['a'] });
  });
});

describe('history', () => {
  const a = img('aaaaaaaaaaaaaaaa', ['L1'], [h('ADD file:' + 'x'.repeat(60) + ' in /', { comment: 'c' })], ['localhost/a:1']);
  const b = img('bbbbbbbbbbbbbbbb', ['L1'], [h('ADD b')], ['localhost/b:1']);
  const c = img('cccccccccccccccc', ['L1', 'L2'], [h('ADD b'), h('ENV x', { empty_layer: true }), h('RUN y')], ['localhost/c:1']);
  const tree = new ImageTree([a, b, c]);
  it('walks entries newest first; the first image on a layer gives the ID, once', () => {
    const rows = historyLayers(c, tree, (l) => (l === 'L1' ? 100 : 7));
    expect(rows.map((r) => [r.id, r.createdBy, r.size])).toEqual([
      ['cccccccccccccccc', 'RUN y', 7],
      ['aaaaaaaaaaaaaaaa', 'ENV x', 0],
      ['<missing>', 'ADD b', 100],
    ]);
    // podman shows the first image of the store on a shared layer, even for another image
    expect(historyLayers(b, tree, () => 1)[0]!.id).toBe('aaaaaaaaaaaaaaaa');
  });
  it('renders podman\'s table, -q, --no-trunc and JSON', () => {
    const rows = historyLayers(a, tree, () => 1986560);
    const now = new Date('2026-01-03T00:00:00Z');
    expect(renderHistory(rows, { human: true, noTrunc: false, quiet: false, now })).toBe(
      'ID            CREATED     CREATED BY                                     SIZE        COMMENT\n' +
        'aaaaaaaaaaaa  2 days ago  ADD file:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...  1.99 MB     c\n',
    );
    expect(renderHistory(rows, { human: false, noTrunc: false, quiet: true, now })).toBe('aaaaaaaaaaaa\n');
    expect(JSON.parse(renderHistory(rows, { format: 'json', human: true, noTrunc: false, quiet: false, now }))).toEqual([
      { id: 'aaaaaaaaaaaaaaaa', created: '2026-01-01T00:00:00Z', CreatedBy: 'ADD file:' + 'x'.repeat(60) + ' in /', size: 1986560, comment: 'c', Created: '2026-01-01T00:00:00Z' },
    ]);
    expect(renderHistory([], { format: 'json', human: true, noTrunc: false, quiet: false, now })).toBe('[]\n');
    expect(renderHistory(rows, { format: '{{.CreatedAt}} {{.Size}}', human: false, noTrunc: false, quiet: false, now })).toBe('2026-01-01 00:00:00 +0000 UTC 1.99 MB\n');
  });
});

describe('names for tag, untag and rmi', () => {
  it('normalises like podman, with its errors', () => {
    expect(normalizeTagName('demo', 'tag')).toBe('localhost/demo:latest');
    expect(normalizeTagName('quay.io/x/y:z', 'tag')).toBe('quay.io/x/y:z');
    expect(() => normalizeTagName('BAD', 'tag')).toThrow('normalizing name "BAD": normalizing name "BAD": repository name must be lowercase');
    expect(() => normalizeTagName('sha256:abc', 'untag')).toThrow('sha256:abc: untag by digest not supported');
    expect(() => normalizeTagName(`a@sha256:${'1'.repeat(64)}`, 'tag')).toThrow('tag by digest not supported');
  });
  it('rmi untags the stored name a short name resolved to', () => {
    const rec = { names: ['docker.io/library/busybox:latest', 'localhost/two:extra'] } as ImageRecord;
    expect(matchedName(rec, 'busybox')).toBe('docker.io/library/busybox:latest');
    expect(matchedName(rec, 'two:extra')).toBe('localhost/two:extra');
    expect(matchedName(rec, 'localhost/two:extra')).toBe('localhost/two:extra');
  });
  it('rmi exits with the last error\'s code: 1 unknown, 2 in use, else 125', () => {
    expect(rmiExitCode([])).toBe(0);
    expect(rmiExitCode([new ImageUnknownError('x')])).toBe(1);
    expect(rmiExitCode([new ImageUnknownError('x'), new ImageInUseError('c')])).toBe(2);
    expect(rmiExitCode([new ImageInUseError('c'), new TscRunError('other')])).toBe(125);
  });
});
