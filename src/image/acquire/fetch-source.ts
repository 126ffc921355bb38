// Images from a local transport (pull, run, create): docker-archive: and
// oci-archive: files are loaded as `load` does, oci: and dir: directories
// likewise; `:REF` (or docker-archive's `:@N`) picks one image of several.

import type { CopyProgress } from '../progress.js';
import type { PlannedImage } from '../archive/plan.js';
import type { StoredImage } from '../archive/store-images.js';
import { ArchiveFormatError } from '../archive/errors.js';
import { nameFromRefName, nameFromRepoTag } from '../archive/names.js';
import type { Platform } from '../registry/manifest-select.js';
import { formatReference, normalizeLocalName } from '../../storage/image-reference.js';
import type { PolicyOptions } from '../policy/enforce.js';
import type { PolicyImage } from '../policy/scopes.js';
import type { ImageSource } from './transport.js';

export type LocalSource = Exclude<ImageSource, { transport: 'docker' }>;

export interface FetchSourceOptions {
  dataRoot: string;
  source: LocalSource;
  progress: CopyProgress;
  platform?: Platform | undefined;
  /** The signature policy (containers-policy.json) the image must pass. */
  policy: PolicyOptions;
}

/** The source as the policy sees it: its transport, path and `:REF`. */
function policyImageOf(s: LocalSource): PolicyImage {
  if (s.transport === 'dir') return { transport: 'dir', path: s.path };
  if (s.transport === 'docker-archive') return { transport: 'docker-archive', path: s.path, ref: s.index !== undefined ? `@${s.index}` : s.ref };
  return { transport: s.transport, path: s.path, ref: s.ref };
}

function describe(s: LocalSource): string {
  return `${s.transport}:${s.path}`;
}

/** The plans the source's `:REF` names; several without a REF are refused (one image is wanted). */
export function selectPlans(s: LocalSource, plans: PlannedImage[]): PlannedImage[] {
  if ('index' in s && s.index !== undefined) {
    const p = plans[s.index];
    if (!p) throw new ArchiveFormatError(`${describe(s)} has ${plans.length} image(s): there is no image @${s.index}`);
    return [p];
  }
  const ref = 'ref' in s ? s.ref : undefined;
  if (ref !== undefined) {
    const want = s.transport === 'docker-archive' ? nameFromRepoTag(ref.includes(':') ? ref : `${ref}:latest`) : nameFromRefName(ref);
    const hit = plans.filter((p) => p.names.includes(want));
    if (!hit.length) throw new ArchiveFormatError(`${describe(s)} has no image named ${ref}`);
    return hit.slice(0, 1).map((p) => ({ ...p, names: [want] }));
  }
  if (plans.length > 1) throw new ArchiveFormatError(`${describe(s)} holds ${plans.length} images: name one as ${describe(s)}:REF`);
  return plans;
}

/** podman names an image read from a directory after the directory: `oci:/tmp/img` → localhost/tmp/img:latest. */
export function directoryImageName(dir: string): string | undefined {
  const clean = dir.split('/').filter((p) => p !== '' && p !== '.').join('/');
  try {
    return formatReference(normalizeLocalName(`localhost/${clean}`));
  } catch {
    return undefined; // not a valid name (upper case, ..): unnamed
  }
}

export async function fetchFromSource(o: FetchSourceOptions): Promise<StoredImage[]> {
  const s = o.source;
  const named = s.transport === 'oci' || s.transport === 'dir' ? directoryImageName(s.path) : undefined;
  const select = (plans: PlannedImage[]) => selectPlans(s, plans).map((p) => (named !== undefined ? { ...p, names: [named] } : p));
  const { loadArchive, loadDirectory } = await import('../archive/load.js');
  if (s.transport === 'docker-archive' || s.transport === 'oci-archive') {
    return loadArchive({ dataRoot: o.dataRoot, input: s.path, progress: o.progress, platform: o.platform, select, policy: o.policy, policyImage: policyImageOf(s) });
  }
  return loadDirectory({ dataRoot: o.dataRoot, dir: s.path, layout: s.transport, progress: o.progress, platform: o.platform, select, policy: o.policy, policyImage: policyImageOf(s) });
}
