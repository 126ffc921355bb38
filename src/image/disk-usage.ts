// `system df`: disk usage of images, containers and volumes, computed and
// rendered as podman 4.3 does. A layer used by more than one image is
// shared size, the rest (plus each image's config and manifest) unique
// size; the summary sums the per-tag rows as podman does (an image with two
// tags counts twice). RECLAIMABLE for images is the size of those no
// container uses; for containers, the writable layers of those not
// running. Pure.

import { goHumanSize, humanDuration } from '../format/human.js';
import { formatList } from '../format/output.js';
import { UsageError } from '../errors.js';
import { splitRepoTag } from './summary.js';

export interface DfImageInput {
  id: string;
  names: readonly string[];
  created: Date;
  layers: readonly string[];
  /** Config and manifest bytes. */
  metaSize: number;
  containers: number;
}

export interface DfContainerInput {
  id: string;
  image: string;
  command: readonly string[];
  created: Date;
  status: string;
  name: string;
  /** Bytes in its writable layer. */
  rwSize: number;
  /** Its -v, --mount, --tmpfs and image-volume destinations (podman's UserVolumes). */
  localVolumes?: number;
}

export interface DfVolumeInput {
  name: string;
  links: number;
  size: number;
  reclaimable: number;
}

export interface DfInput {
  images: readonly DfImageInput[];
  /** Size of every complete layer in the store, by id. */
  layerSizes: ReadonlyMap<string, number>;
  containers: readonly DfContainerInput[];
  volumes: readonly DfVolumeInput[];
}

export interface DfImageReport {
  repository: string;
  tag: string;
  id: string;
  created: Date;
  size: number;
  sharedSize: number;
  uniqueSize: number;
  containers: number;
}

export interface DfSummary {
  Type: string;
  Total: number;
  Active: number;
  RawSize: number;
  RawReclaimable: number;
}

/** One report per repository tag (a `<none>` one for an unnamed image), and the images' total size. */
export function imageDiskUsage(input: DfInput): { reports: DfImageReport[]; total: number } {
  let total = 0;
  for (const s of input.layerSizes.values()) total += s;
  const count = new Map<string, number>();
  for (const img of input.images) for (const l of new Set(img.layers)) count.set(l, (count.get(l) ?? 0) + 1);
  const reports: DfImageReport[] = [];
  for (const img of input.images) {
    let shared = 0;
    let unique = 0;
    for (const l of new Set(img.layers)) {
      const size = input.layerSizes.get(l) ?? 0;
      if ((count.get(l) ?? 0) > 1) shared += size;
      else unique += size;
    }
    unique += img.metaSize;
    total += img.metaSize;
    const base = { id: img.id, created: img.created, size: shared + unique, sharedSize: shared, uniqueSize: unique, containers: img.containers };
    const pairs = img.names.map(splitRepoTag);
    if (!pairs.length) reports.push({ repository: '<none>', tag: '<none>', ...base });
    for (const p of pairs) reports.push({ repository: p.repository, tag: p.tag, ...base });
  }
  return { reports, total };
}

export function summarize(input: DfInput): DfSummary[] {
  // podman 4.3 (cmd/podman/system/df.go) sums the rows: an image with two
  // tags is counted, and sized, twice; an image is active when a container
  // uses it and reclaimable (its whole size) when none does.
  const { reports } = imageDiskUsage(input);
  let active = 0;
  let size = 0;
  let reclaimable = 0;
  for (const r of reports) {
    if (r.containers > 0) active++;
    else reclaimable += r.size;
    size += r.size;
  }
  const running = input.containers.filter((c) => c.status === 'running');
  const ctrSize = input.containers.reduce((n, c) => n + c.rwSize, 0);
  return [
    { Type: 'Images', Total: reports.length, Active: active, RawSize: size, RawReclaimable: reclaimable },
    {
      Type: 'Containers',
      Total: input.containers.length,
      Active: running.length,
      RawSize: ctrSize,
      RawReclaimable: ctrSize - running.reduce((n, c) => n + c.rwSize, 0),
    },
    {
      Type: 'Local Volumes',
      Total: input.volumes.length,
      Active: input.volumes.reduce((n, v) => n + v.links, 0),
      RawSize: input.volumes.reduce((n, v) => n + v.size, 0),
      RawReclaimable: input.volumes.reduce((n, v) => n + v.reclaimable, 0),
    },
  ];
}

/** `3.975MB (50%)`. */
export function reclaimableText(s: DfSummary): string {
  const percent = s.RawSize > 0 ? Math.round((s.RawReclaimable / s.RawSize) * 100) : 0;
  return `${goHumanSize(s.RawReclaimable)} (${percent}%)`;
}

export interface DfRenderOptions {
  format?: string | undefined;
  verbose: boolean;
  now: Date;
}

export function renderDiskUsage(input: DfInput, o: DfRenderOptions): string {
  if (o.format !== undefined && o.verbose) throw new UsageError('cannot combine --format and --verbose flags');
  if (o.verbose) return renderVerbose(input, o.now);
  const summaries = summarize(input);
  // podman 4.3 has no JSON mode here: `--format json` is a template that prints
  // "json" once a row, and `{{json .}}` marshals each row as its dfSummary
  // (Size and Reclaimable in bytes) while {{.Size}} is the human size.
  if (o.format?.trim() === 'json') return summaries.map(() => 'json\n').join('');
  const rows = summaries.map((s) => {
    const row = { ...s, Size: goHumanSize(s.RawSize), Reclaimable: reclaimableText(s) };
    const marshalled = { Type: s.Type, Total: s.Total, Active: s.Active, Size: s.RawSize, Reclaimable: s.RawReclaimable };
    return Object.defineProperty(row, 'toJSON', { value: () => marshalled, enumerable: false });
  });
  return formatList(rows, {
    format: o.format,
    columns: [{ field: 'Type' }, { field: 'Total' }, { field: 'Active' }, { field: 'Size' }, { field: 'Reclaimable' }],
  });
}

function renderVerbose(input: DfInput, now: Date): string {
  const age = (d: Date) => humanDuration(now.getTime() - d.getTime());
  const images = imageDiskUsage(input).reports.map((r) => ({
    Repository: r.repository,
    Tag: r.tag,
    ImageID: r.id.slice(0, 12),
    Created: age(r.created),
    Size: goHumanSize(r.size),
    SharedSize: goHumanSize(r.sharedSize),
    UniqueSize: goHumanSize(r.uniqueSize),
    Containers: r.containers,
  }));
  const containers = input.containers.map((c) => ({
    ContainerID: c.id.slice(0, 12),
    Image: c.image.length >= 12 ? c.image.slice(0, 12) : '',
    Command: c.command.join(' '),
    LocalVolumes: c.localVolumes ?? 0,
    RWSize: goHumanSize(c.rwSize),
    Created: age(c.created),
    Status: c.status,
    Names: c.name,
  }));
  const volumes = input.volumes.map((v) => ({ VolumeName: v.name, Links: v.links, Size: goHumanSize(v.size) }));
  return (
    'Images space usage:\n\n' +
    formatList(images, {
      columns: [
        { field: 'Repository' },
        { field: 'Tag' },
        { field: 'ImageID', header: 'IMAGE ID' },
        { field: 'Created' },
        { field: 'Size' },
        { field: 'SharedSize', header: 'SHARED SIZE' },
        { field: 'UniqueSize', header: 'UNIQUE SIZE' },
        { field: 'Containers' },
      ],
    }) +
    '\nContainers space usage:\n\n' +
    formatList(containers, {
      columns: [
        { field: 'ContainerID', header: 'CONTAINER ID' },
        { field: 'Image' },
        { field: 'Command' },
        { field: 'LocalVolumes', header: 'LOCAL VOLUMES' },
        { field: 'RWSize', header: 'SIZE' },
        { field: 'Created' },
        { field: 'Status' },
        { field: 'Names' },
      ],
    }) +
    '\nLocal Volumes space usage:\n\n' +
    formatList(volumes, { columns: [{ field: 'VolumeName', header: 'VOLUME NAME' }, { field: 'Links' }, { field: 'Size' }] })
  );
}
