// `image inspect IMAGE...`: podman's ImageData for each image found (see
// inspect-view.ts). Like podman, what was found is printed even when some
// name is unknown, and the error comes after.

import path from 'node:path';
import { formatInspect } from '../format/output.js';
import { isJsonFormat } from '../format/is-json.js';
import { TscRunError } from '../errors.js';
import { loadCatalog } from './catalog.js';
import { CatalogView, imageSize } from './catalog-view.js';
import { inspectJson, inspectView } from './inspect-view.js';
import { resolveImage } from './resolve.js';

export interface InspectResult {
  text: string;
  /** The first name that failed, reported after the text is printed. */
  error?: TscRunError;
}

export async function inspectImages(dataRoot: string, names: readonly string[], format?: string): Promise<InspectResult> {
  const view = new CatalogView(await loadCatalog(dataRoot));
  const records = view.catalog.images.map((f) => f.record);
  const found: Array<Record<string, unknown>> = [];
  let error: TscRunError | undefined;
  for (const name of names) {
    let id: string;
    try {
      id = resolveImage(records, name).id;
    } catch (err) {
      if (!(err instanceof TscRunError)) throw err;
      error ??= new TscRunError(`inspecting object: ${err.message}`);
      continue;
    }
    const f = view.catalog.images.find((x) => x.record.id === id)!;
    const layerDirs = f.record.layers.map((l) => path.join(dataRoot, 'layers', l, 'diff'));
    const top = f.record.layers[f.record.layers.length - 1];
    const json = inspectJson({
      id,
      names: f.record.names,
      namesHistory: f.record.namesHistory ?? [],
      digest: f.record.digest,
      manifestMediaType: f.record.manifestMediaType,
      config: f.config,
      manifest: f.manifest,
      size: imageSize(f),
      parentId: view.tree.parentOf(view.treeImage(f))?.id ?? '',
      layerDirs,
      workDir: top ? path.join(dataRoot, 'layers', top, 'work') : undefined,
    });
    found.push(inspectView(json));
  }
  const text = formatInspect(found, isJsonFormat(format) ? undefined : format);
  return error ? { text, error } : { text };
}
