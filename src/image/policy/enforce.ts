// The one call the copy paths make (pull, load, run/create's auto-pull,
// push and save): load the policy in force and refuse the image unless it
// lets it in. Paths of local transports are resolved as containers/image
// resolves them, so path scopes match.

import fs from 'node:fs/promises';
import path from 'node:path';
import { checkImageAllowed } from './evaluate.js';
import { loadPolicy } from './policy-file.js';
import type { PolicyImage } from './scopes.js';

/** What push and save need to check images of our store against the policy. */
export interface StorePolicy {
  options: PolicyOptions;
  runRoot: string;
  /** The storage driver's name (overlay, vfs), asked only when a policy scope names one. */
  driver: () => Promise<string>;
}

export interface PolicyOptions {
  /** --signature-policy. */
  signaturePolicy?: string | undefined;
  env?: Record<string, string | undefined> | undefined;
}

async function resolvedPath(p: string): Promise<string> {
  const abs = path.resolve(p);
  try {
    return await fs.realpath(abs);
  } catch {
    // Not there (yet): its parent resolved, as containers/image does for a path to be created.
    try {
      return path.join(await fs.realpath(path.dirname(abs)), path.basename(abs));
    } catch {
      return abs;
    }
  }
}

async function resolved(img: PolicyImage): Promise<PolicyImage> {
  if (img.transport === 'oci' || img.transport === 'oci-archive' || img.transport === 'dir') {
    return { ...img, path: await resolvedPath(img.path) };
  }
  return img;
}

/**
 * push and save copy out of our store, which the policy knows as podman's
 * containers-storage transport. The storage driver (part of the scope) is
 * only worked out when the policy has store scopes to compare it with.
 */
export async function enforceStorePolicy(
  o: PolicyOptions,
  img: { graphRoot: string; runRoot: string; id: string; name?: string | undefined },
  driver: () => Promise<string>,
): Promise<void> {
  const loaded = await loadPolicy(o.signaturePolicy, o.env ?? process.env);
  if (!loaded) return;
  const scopes = Object.keys(loaded.policy.transports['containers-storage'] ?? {});
  const name = scopes.some((s) => s !== '') ? await driver() : 'overlay';
  checkImageAllowed(loaded.policy, { transport: 'containers-storage', driver: name, ...img });
}

/** Throws PolicyRejectedError (or the policy file's error) unless the policy admits the image. */
export async function enforcePolicy(o: PolicyOptions, img: PolicyImage): Promise<void> {
  const loaded = await loadPolicy(o.signaturePolicy, o.env ?? process.env);
  if (!loaded) return;
  checkImageAllowed(loaded.policy, await resolved(img));
}
