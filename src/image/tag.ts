// `tag IMAGE NAME...` and `untag IMAGE [NAME...]`: change an image's names
// in one read-modify-write of images.json, all names or none. Names are
// normalised like podman's (`demo` → `localhost/demo:latest`); a name
// given to one image is taken from any other.

import { TscRunError, UsageError } from '../errors.js';
import { emitImage } from '../events/emit.js';
import { ImageStore, ImageUnknownError, withNamesHistory, type ImageRecord } from '../storage/images.js';
import { formatReference, normalizeLocalName } from '../storage/image-reference.js';
import { resolveImage } from './resolve.js';

/** podman's normalised form of a name to tag or untag with; its error wording otherwise. */
export function normalizeTagName(name: string, verb: 'tag' | 'untag'): string {
  if (name.startsWith('sha256:')) throw new UsageError(`${name}: ${verb} by digest not supported`);
  let ref;
  try {
    ref = normalizeLocalName(name);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new UsageError(`normalizing name ${JSON.stringify(name)}: normalizing name ${JSON.stringify(name)}: ${why}`);
  }
  if (verb === 'tag' && ref.digest !== undefined) throw new UsageError(`${name}: tag by digest not supported`);
  // A tagged and digested name means its digest, as podman's NormalizeName: `untag IMG repo:tag@sha256:...` removes repo@sha256:...
  return formatReference(ref.digest !== undefined ? { ...ref, tag: undefined } : ref);
}

/** Apply `change` to the image `input` names, under the images lock. */
async function changeNames(dataRoot: string, input: string, change: (img: ImageRecord, all: ImageRecord[]) => void): Promise<string> {
  const store = new ImageStore(dataRoot);
  const { id } = resolveImage(await store.list(), input);
  await store.update((f) => {
    const img = f.images.find((i) => i.id === id && !i.removing);
    if (!img) throw new ImageUnknownError(input); // removed meanwhile
    change(img, f.images);
  });
  return id;
}

export async function tagImage(dataRoot: string, image: string, targets: readonly string[]): Promise<void> {
  const names = targets.map((t) => normalizeTagName(t, 'tag'));
  const id = await changeNames(dataRoot, image, (img, all) => {
    for (const other of all) if (other !== img) other.names = other.names.filter((n) => !names.includes(n));
    img.names = [...new Set([...img.names, ...names])];
    img.namesHistory = withNamesHistory(img.namesHistory, img.names);
  });
  // The name as given (podman 4.3 does not add :latest to a tag event).
  for (const t of targets) emitImage(dataRoot, 'tag', id, t);
}

export async function untagImage(dataRoot: string, image: string, targets: readonly string[]): Promise<void> {
  const names = targets.map((t) => normalizeTagName(t, 'untag'));
  let removed: string[] = [];
  const id = await changeNames(dataRoot, image, (img) => {
    const unknown = names.find((n) => !img.names.includes(n));
    if (unknown !== undefined) throw new TscRunError(`${unknown}: tag not known`);
    removed = names.length ? names : [...img.names];
    img.names = names.length ? img.names.filter((n) => !names.includes(n)) : [];
    img.namesHistory = withNamesHistory(img.namesHistory, img.names);
  });
  for (const n of removed) emitImage(dataRoot, 'untag', id, n);
}
