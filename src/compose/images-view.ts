// `compose images` as docker compose v2.40 prints it: CONTAINER, REPOSITORY,
// TAG, PLATFORM, IMAGE ID, SIZE, CREATED (its tabwriter: minimum width 20,
// padding 3), or --format json: one array of {ID, ContainerName, Repository,
// Tag, Platform, Size, LastTagTime}. Pure.

import { alignColumns } from '../format/output.js';
import { goHumanSize, humanDuration } from '../format/human.js';

export interface ImageRow {
  container: string;
  /** The container's image reference. */
  ref: string;
  /** The image id (hex, as the engine's inspect gives it). */
  id: string;
  size: number;
  platform: string;
  created: Date;
}

function repoTag(ref: string): { repo: string; tag: string } {
  const at = ref.indexOf('@');
  const name = at < 0 ? ref : ref.slice(0, at);
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) return { repo: name.slice(0, colon), tag: name.slice(colon + 1) };
  return { repo: name, tag: at < 0 ? 'latest' : '' };
}

const hex = (id: string) => id.replace(/^sha256:/, '');

export function imagesTable(rows: readonly ImageRow[], now: Date): string {
  const sorted = [...rows].sort((a, b) => (a.container < b.container ? -1 : a.container > b.container ? 1 : 0));
  const lines = ['CONTAINER\tREPOSITORY\tTAG\tPLATFORM\tIMAGE ID\tSIZE\tCREATED'];
  for (const r of sorted) {
    const { repo, tag } = repoTag(r.ref);
    lines.push([r.container, repo || '<none>', tag || '<none>', r.platform, hex(r.id).slice(0, 12), goHumanSize(r.size, 3), `${humanDuration(now.getTime() - r.created.getTime())} ago`].join('\t'));
  }
  return `${alignColumns(lines.join('\n'), 20, 3)}\n`;
}

/** Go's time.Time JSON: RFC 3339 with nanoseconds trimmed. */
function goTime(d: Date): string {
  return d.toISOString().replace(/\.000Z$/, 'Z');
}

export function imagesJson(rows: readonly ImageRow[]): string {
  return `${JSON.stringify(
    rows.map((r) => {
      const { repo, tag } = repoTag(r.ref);
      return { ID: `sha256:${hex(r.id)}`, ContainerName: r.container, Repository: repo, Tag: tag, Platform: r.platform, Size: r.size, LastTagTime: goTime(r.created) };
    }),
  )}\n`;
}
