// `rmi` / `image rm`: podman's rules for what a name removes. A name of an
// image with other names only untags it; an ID needs -f when the image has
// several names; a container using the image refuses the removal (exit 2)
// unless -f, which removes those containers. A removed image's dangling
// parent goes too (unless --no-prune). Unknown names fail with exit 1
// (ignored with -i or -f). Output: every `Untagged:` line, then every
// `Deleted:` line, as podman prints them.

import { emitImage } from '../events/emit.js';
import { TscRunError } from '../errors.js';
import { ImageStore, ImageUnknownError, withNamesHistory, type ImageRecord } from '../storage/images.js';
import { loadCatalog, missingConfigText } from './catalog.js';
import { CatalogView } from './catalog-view.js';
import { localCandidates, formatReference, shortNameMatches } from '../storage/image-reference.js';
import { finishPendingRemovals, removeImage, ImageInUseError, type RemovalContext } from './remove.js';
import { resolveImage } from './resolve.js';

export interface RmiOptions {
  names: readonly string[];
  all: boolean;
  force: boolean;
  ignore: boolean;
  noPrune: boolean;
}

export interface RmiReport {
  untagged: string[];
  deleted: string[];
  errors: TscRunError[];
}

/** podman's exit code for a failed rmi: that of the last error (1 unknown image, 2 in use, else 125). */
export function rmiExitCode(errors: readonly TscRunError[]): number {
  const last = errors[errors.length - 1];
  if (!last) return 0;
  if (last instanceof ImageUnknownError) return 1;
  if (last instanceof ImageInUseError) return 2;
  return last.exitCode;
}

/** The stored name a name the user typed resolved to (the one podman untags). */
export function matchedName(img: ImageRecord, input: string): string | undefined {
  if (img.names.includes(input)) return input;
  let candidates: string[];
  try {
    candidates = localCandidates(input).map(formatReference);
  } catch {
    return undefined;
  }
  return candidates.find((c) => img.names.includes(c)) ?? img.names.find((n) => shortNameMatches(input, n));
}

/** Go's %s of a string slice: `[a b]`. */
const goList = (xs: readonly string[]) => `[${xs.join(' ')}]`;

export async function removeImages(ctx: RemovalContext, o: RmiOptions): Promise<RmiReport> {
  const report: RmiReport = { untagged: [], deleted: [], errors: [] };
  await finishPendingRemovals(ctx);
  const store = new ImageStore(ctx.dataRoot);

  // Look every name up first: podman reports unknown names before any removal.
  const targets: Array<{ id: string; referencedBy: string }> = [];
  const live = await store.list();
  if (o.all) for (const img of live) targets.push({ id: img.id, referencedBy: '' });
  for (const name of o.names) {
    try {
      targets.push({ id: resolveImage(live, name).id, referencedBy: name });
    } catch (err) {
      if (err instanceof ImageUnknownError && (o.ignore || o.force)) continue;
      if (err instanceof TscRunError) report.errors.push(err);
      else throw err;
    }
  }

  const done = new Set<string>();
  const removeOne = async (id: string, referencedBy: string): Promise<void> => {
    if (done.has(id)) return;
    const view = new CatalogView(await loadCatalog(ctx.dataRoot));
    const facts = view.catalog.images.find((f) => f.record.id === id);
    if (!facts) {
      const damaged = (await store.list()).find((i) => i.id === id);
      if (!damaged) return; // removed meanwhile (by us, as someone's parent, or by another command)
      // Still recorded but its config blob is gone (a damaged store): podman removes it anyway, with its warning.
      ctx.warn?.(`Failed to determine parent of image: ${missingConfigText(id)}, ignoring the error`);
      if (!(await removeImage(ctx, id, o.force))) return;
      done.add(id);
      report.untagged.push(...damaged.names);
      for (const n of damaged.names) emitImage(ctx.dataRoot, 'untag', id, n);
      emitImage(ctx.dataRoot, 'remove', id, damaged.names[0] ?? id);
      report.deleted.push(id);
      return;
    }
    const img = facts.record;
    if (referencedBy && img.names.length !== 1) {
      const byId = /^[0-9a-f]+$/.test(referencedBy) && id.startsWith(referencedBy);
      // NAME@DIGEST that is one of the image's names (a pull by digest adds it) is untagged like a tag, as
      // podman does; one that is not a name of the image stands for the whole image, as a bare digest.
      const byDigest = referencedBy.startsWith('sha256:') || (referencedBy.includes('@') && matchedName(img, referencedBy) === undefined);
      if (!o.force && img.names.length > 1 && (byId || byDigest)) {
        throw new TscRunError(`unable to delete image "${id}" by ${byId ? 'ID' : 'digest'} with more than one tag (${goList(img.names)}): please force removal`);
      }
      const name = byId || byDigest ? undefined : matchedName(img, referencedBy);
      if (name !== undefined) {
        const left = await store.update((f) => {
          const rec = f.images.find((i) => i.id === id && !i.removing);
          if (!rec) return 0;
          rec.names = rec.names.filter((n) => n !== name);
          rec.namesHistory = withNamesHistory(rec.namesHistory, rec.names);
          return rec.names.length;
        });
        report.untagged.push(name);
        emitImage(ctx.dataRoot, 'untag', id, name);
        // podman 4.3 (libimage) writes its remove event, named as referenced, even when it only untags.
        if (left > 0) {
          emitImage(ctx.dataRoot, 'remove', id, referencedBy);
          return;
        }
      }
    }
    const tree = view.treeImage(facts);
    const hasChildren = view.tree.hasChildren(tree);
    const parent = view.tree.parentOf(tree);
    const namesLeft = (await store.list()).find((i) => i.id === id)?.names ?? [];
    if (!(await removeImage(ctx, id, o.force))) return;
    done.add(id);
    report.untagged.push(...namesLeft);
    for (const n of namesLeft) emitImage(ctx.dataRoot, 'untag', id, n);
    emitImage(ctx.dataRoot, 'remove', id, referencedBy);
    if (!hasChildren) report.deleted.push(id);
    if (parent && !o.noPrune) {
      const after = new CatalogView(await loadCatalog(ctx.dataRoot));
      const p = after.catalog.images.find((f) => f.record.id === parent.id);
      if (p && after.tree.isDangling(after.treeImage(p))) await removeOne(parent.id, '');
    }
  };

  for (const t of targets) {
    try {
      await removeOne(t.id, t.referencedBy);
    } catch (err) {
      if (err instanceof TscRunError) report.errors.push(err);
      else throw err;
    }
  }
  return report;
}
