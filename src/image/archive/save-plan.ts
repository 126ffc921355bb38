// Which images `save` writes and under which names, from the arguments as
// podman reads them: without -m the first argument is the image and the
// others are extra tags for it; with -m each is an image (one image given
// twice is written once, with both names). Pure.

import type { ImageRecord } from '../../storage/images.js';
import { formatReference, normalizeLocalName } from '../../storage/image-reference.js';
import { matchedName } from './names.js';

export interface SaveItem {
  image: ImageRecord;
  /** docker-archive RepoTags; empty when saved by id. */
  names: string[];
  /** oci-archive's one ref.name per image: the name the image was asked for. */
  refName: string | undefined;
}

export interface ResolvedArg {
  input: string;
  image: ImageRecord;
}

/** Without -m: one image, the extra arguments are tags (listed first, as podman does). */
export function singleImageItem(arg: ResolvedArg, extraTags: readonly string[]): SaveItem {
  const own = matchedName(arg.image, arg.input);
  const names = [...extraTags.map((t) => formatReference(normalizeLocalName(t))), ...(own !== undefined ? [own] : [])];
  return { image: arg.image, names: [...new Set(names)], refName: own };
}

/** With -m: every argument an image, in order; repeats of one image merge their names. */
export function multiImageItems(args: readonly ResolvedArg[]): SaveItem[] {
  const byId = new Map<string, SaveItem>();
  for (const a of args) {
    const item = byId.get(a.image.id) ?? { image: a.image, names: [], refName: undefined };
    byId.set(a.image.id, item);
    const n = matchedName(a.image, a.input);
    if (n !== undefined && !item.names.includes(n)) item.names.push(n);
    item.refName ??= n;
  }
  return [...byId.values()];
}
