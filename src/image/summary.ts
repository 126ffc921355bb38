// `images` rows as podman builds them: one ImageSummary per image (the
// `--format json` face, podman 4's keys and order) and one table row per
// repository tag (the Go-template face: {{.Repository}}, {{.Tag}},
// {{.ID}}, {{.Created}} "2 days ago", {{.Size}} "4.27 MB", ...). Pure.

import { goTimeString, humanSize, timeAgo } from '../format/human.js';
import type { ImageConfig } from './oci.js';
import { parseReference, repositoryOf } from '../storage/image-reference.js';

export interface SummaryInput {
  id: string;
  names: readonly string[];
  namesHistory: readonly string[];
  /** Manifest digest. */
  digest: string;
  config: ImageConfig;
  /** Layers plus config and manifest bytes (podman's image size). */
  size: number;
  containers: number;
  parentId: string;
  dangling: boolean;
}

/** podman images --format json, one object per image; keys in podman's order, empty ones left out where podman omits them. */
export interface ImageSummaryJson {
  Id: string;
  ParentId: string;
  RepoTags: null;
  RepoDigests: string[];
  Size: number;
  SharedSize: number;
  VirtualSize: number;
  Labels: Record<string, string> | null;
  Containers: number;
  Dangling?: true;
  Names?: string[];
  Digest: string;
  History?: string[];
  Created: number;
  CreatedAt: string;
}

/** Seconds since the epoch of the image's config `created` (podman lists with second precision). */
export function createdSeconds(config: ImageConfig): number {
  const t = config.created ? Date.parse(config.created) : NaN;
  return Number.isNaN(t) ? 0 : Math.floor(t / 1000);
}

export function labelsOf(config: ImageConfig): Record<string, string> | null {
  return config.config?.Labels ?? null;
}

/** `repo@digest` for every name, deduplicated and sorted, as libimage's RepoDigests. */
export function repoDigests(names: readonly string[], digest: string): string[] {
  const out = new Set<string>();
  for (const n of names) {
    try {
      out.add(`${repositoryOf(parseReference(n))}@${digest}`);
    } catch {
      // a name we cannot parse has no repository to pair the digest with
    }
  }
  return [...out].sort();
}

/** Names with a tag (podman's RepoTags in inspect). */
export function repoTags(names: readonly string[]): string[] {
  return names.filter((n) => {
    try {
      return parseReference(n).tag !== undefined;
    } catch {
      return false;
    }
  });
}

export function summaryJson(s: SummaryInput): ImageSummaryJson {
  const created = createdSeconds(s.config);
  return {
    Id: s.id,
    ParentId: s.parentId,
    RepoTags: null,
    RepoDigests: repoDigests(s.names, s.digest),
    Size: s.size,
    SharedSize: 0,
    VirtualSize: s.size,
    Labels: labelsOf(s.config),
    Containers: s.containers,
    ...(s.dangling ? { Dangling: true as const } : {}),
    ...(s.names.length ? { Names: [...s.names] } : {}),
    Digest: s.digest,
    ...(s.namesHistory.length ? { History: [...s.namesHistory] } : {}),
    Created: created,
    CreatedAt: new Date(created * 1000).toISOString().replace('.000Z', 'Z'),
  };
}

/** Repository and tag of one name (`<none>` where there is none). */
export function splitRepoTag(name: string): { repository: string; tag: string } {
  try {
    const ref = parseReference(name);
    return { repository: repositoryOf(ref) || '<none>', tag: ref.tag ?? '<none>' };
  } catch {
    return { repository: '<none>', tag: '<none>' };
  }
}

/** The Go-template face of one `images` row. */
export interface ImageRow {
  Repository: string;
  Tag: string;
  ID: string;
  /** The full id (the embedded ImageSummary's field). */
  Id: string;
  Created: string;
  CreatedAt: string;
  CreatedSince: string;
  CreatedTime: string;
  Size: string;
  History: string;
  ParentId: string;
  RepoTags: string[];
  RepoDigests: string[];
  SharedSize: number;
  VirtualSize: number;
  Labels: Record<string, string>;
  Containers: number;
  ReadOnly: boolean;
  Dangling: boolean;
  /** podman's accessors of the same two. */
  IsReadOnly: boolean;
  IsDangling: boolean;
  Names: string[];
  Digest: string;
}

export interface RowOptions {
  noTrunc: boolean;
  now: Date;
}

/** Rows of one image: one per tagged name; else one for its first untagged name; else `<none>`. */
export function imageRows(s: SummaryInput, o: RowOptions): ImageRow[] {
  const created = new Date(createdSeconds(s.config) * 1000);
  const ago = timeAgo(created, o.now);
  const base: Omit<ImageRow, 'Repository' | 'Tag'> = {
    ID: o.noTrunc ? `sha256:${s.id}` : s.id.slice(0, 12),
    Id: s.id,
    Created: ago,
    CreatedAt: goTimeString(created),
    CreatedSince: ago,
    CreatedTime: goTimeString(created),
    Size: humanSize(s.size),
    History: s.namesHistory.join(', '),
    ParentId: s.parentId,
    RepoTags: [...s.names],
    RepoDigests: repoDigests(s.names, s.digest),
    SharedSize: 0,
    VirtualSize: s.size,
    Labels: labelsOf(s.config) ?? {},
    Containers: s.containers,
    ReadOnly: false,
    Dangling: s.dangling,
    IsReadOnly: false,
    IsDangling: s.dangling,
    Names: [...s.names],
    Digest: s.digest,
  };
  const split = s.names.map(splitRepoTag);
  const tagged = split.filter((p) => p.tag !== '<none>');
  const chosen = tagged.length ? tagged : split.length ? [split[0]!] : [{ repository: '<none>', tag: '<none>' }];
  return chosen.map((p) => ({ Repository: p.repository, Tag: p.tag, ...base }));
}

export const SORT_FIELDS = ['created', 'id', 'repository', 'size', 'tag'] as const;
export type SortField = (typeof SORT_FIELDS)[number];

export interface SortableRow {
  row: ImageRow;
  id: string;
  created: number;
  size: number;
}

/** Sort rows as `--sort` does: newest first for created, ascending otherwise; stable. */
export function sortRows<T extends SortableRow>(rows: readonly T[], by: SortField): T[] {
  const cmp: Record<SortField, (a: T, b: T) => number> = {
    created: (a, b) => b.created - a.created,
    id: (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    repository: (a, b) => (a.row.Repository < b.row.Repository ? -1 : a.row.Repository > b.row.Repository ? 1 : 0),
    size: (a, b) => a.size - b.size,
    tag: (a, b) => (a.row.Tag < b.row.Tag ? -1 : a.row.Tag > b.row.Tag ? 1 : 0),
  };
  return [...rows].sort(cmp[by]);
}
