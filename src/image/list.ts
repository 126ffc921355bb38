// `images` / `image ls`: read the catalog, apply --filter (plus podman's
// implicit intermediate=false without -a), and render rows as a table, a
// Go template, IDs (-q) or JSON.

import { formatList, type Column } from '../format/output.js';
import { isJsonFormat } from '../format/is-json.js';
import { TscRunError, UsageError } from '../errors.js';
import { damagedImage, loadCatalog, missingConfigText } from './catalog.js';
import { CatalogView, createdOf, imageSize } from './catalog-view.js';
import { compileImageFilters } from './filters.js';
import { SORT_FIELDS, imageRows, sortRows, summaryJson, type SortField, type SortableRow, type ImageSummaryJson } from './summary.js';

export interface ListImagesOptions {
  dataRoot: string;
  /** The optional IMAGE argument: same as --filter reference=IMAGE. */
  image?: string | undefined;
  all?: boolean;
  filters?: readonly string[];
  format?: string | undefined;
  quiet?: boolean;
  noTrunc?: boolean;
  digests?: boolean;
  history?: boolean;
  noHeading?: boolean;
  sort?: string | undefined;
  now?: Date;
}

export function checkSortField(sort: string | undefined): SortField {
  if (sort === undefined) return 'created';
  if (!(SORT_FIELDS as readonly string[]).includes(sort)) {
    throw new UsageError(`"${sort}" is not a valid field for sorting. Choose from: ${SORT_FIELDS.join(', ')}`);
  }
  return sort as SortField;
}

interface Row extends SortableRow {
  /** Only for --format json (the table and templates read `row`). */
  json: () => ImageSummaryJson;
}

export async function listImages(o: ListImagesOptions): Promise<string> {
  const userFilters = [...(o.filters ?? [])];
  if (o.image !== undefined && userFilters.length) throw new UsageError('cannot specify an image and a filter(s)');
  const sort = checkSortField(o.sort);
  const filters = o.image !== undefined ? [`reference=${o.image}`] : userFilters;
  if (!o.all && !filters.includes('intermediate=true')) filters.push('intermediate=false');
  const now = o.now ?? new Date();

  const catalog = await loadCatalog(o.dataRoot);
  const damaged = await damagedImage(o.dataRoot, catalog);
  // podman's images fails on a damaged image and says what to do (rmi removes it, with a warning).
  if (damaged !== undefined) {
    throw new TscRunError(`retrieving label for image ${JSON.stringify(damaged)}: you may need to remove the image to resolve the error: ${missingConfigText(damaged)}`);
  }
  const view = new CatalogView(catalog);
  const keep = compileImageFilters(filters, view.filterContext(now));
  const rows: Row[] = [];
  for (const f of view.catalog.images) {
    if (!keep(view.subject(f))) continue;
    const input = view.summaryInput(f);
    const json = () => summaryJson(input);
    for (const row of imageRows(input, { noTrunc: o.noTrunc === true, now })) {
      rows.push({ row, json, id: f.record.id, created: Math.floor(createdOf(f).getTime() / 1000), size: imageSize(f) });
    }
  }
  const sorted = sortRows(rows, sort);

  if (isJsonFormat(o.format)) return JSON.stringify(sorted.map((r) => r.json()), null, 4) + '\n';
  if (o.quiet) return [...new Set(sorted.map((r) => r.row.ID))].map((id) => id + '\n').join('');
  const columns: Column[] = [
    { field: 'Repository' },
    { field: 'Tag' },
    ...(o.digests ? [{ field: 'Digest' }] : []),
    { field: 'ID', header: 'IMAGE ID' },
    { field: 'Created' },
    { field: 'Size' },
    ...(o.history ? [{ field: 'History' }] : []),
  ];
  return formatList(
    sorted.map((r) => r.row),
    { format: o.format, columns, noHeading: o.noHeading, headers: { ID: 'IMAGE ID', ReadOnly: 'R/O' } },
  );
}
