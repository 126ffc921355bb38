// Which policy scopes an image falls under, per transport, as
// containers/image computes them (PolicyConfigurationIdentity and
// PolicyConfigurationNamespaces), and how it is named in messages. Pure:
// paths arrive already resolved.

import { formatReference, repositoryOf, type ImageReference } from '../../storage/image-reference.js';

/** An image being admitted into the store (pull, load, run's auto-pull) or copied out of it (push, save). */
export type PolicyImage =
  | { transport: 'docker'; ref: ImageReference }
  | { transport: 'docker-archive'; path: string; ref?: string | undefined }
  | { transport: 'oci-archive' | 'oci'; path: string; ref?: string | undefined }
  | { transport: 'dir'; path: string }
  /** Our own store, under the name podman gives its store (push and save read from it). */
  | { transport: 'containers-storage'; driver: string; graphRoot: string; runRoot: string; id: string; name?: string | undefined };

/** `transport:reference` as podman prints it in a rejection. */
export function describeImage(img: PolicyImage): string {
  switch (img.transport) {
    case 'docker':
      return `docker://${formatReference(img.ref)}`;
    case 'docker-archive':
      return `docker-archive:${img.path}${img.ref !== undefined ? `:${img.ref}` : ''}`;
    case 'oci-archive':
    case 'oci':
      return `${img.transport}:${img.path}:${img.ref ?? ''}`;
    case 'dir':
      return `dir:${img.path}`;
    case 'containers-storage':
      return `containers-storage:[${img.driver}@${img.graphRoot}+${img.runRoot}]${img.name ?? ''}@${img.id}`;
  }
}

/** The most specific scope: the identity the policy is looked up by first. */
export function policyIdentity(img: PolicyImage): string {
  switch (img.transport) {
    case 'docker':
      return formatReference(img.ref);
    case 'docker-archive':
      return ''; // an archive has no identity: only the transport's "" scope applies
    case 'oci-archive':
    case 'oci':
      return img.ref ? `${img.path}:${img.ref}` : img.path;
    case 'dir':
      return img.path;
    case 'containers-storage':
      return `[${img.driver}@${img.graphRoot}]${img.name ?? ''}@${img.id}`;
  }
}

/** Parent directories of an absolute path, nearest first, without "/". */
function parentDirs(p: string): string[] {
  const out: string[] = [];
  let cur = p;
  for (;;) {
    const slash = cur.lastIndexOf('/');
    if (slash <= 0) break;
    cur = cur.slice(0, slash);
    out.push(cur);
  }
  return out;
}

/** docker: the repository, its parent namespaces up to the registry, then `*.domain` wildcards (port dropped). */
export function dockerNamespaces(ref: ImageReference): string[] {
  const out: string[] = [];
  let name = repositoryOf(ref);
  for (;;) {
    out.push(name);
    const slash = name.lastIndexOf('/');
    if (slash < 0) break;
    name = name.slice(0, slash);
  }
  const colon = name.indexOf(':');
  if (colon >= 0) name = name.slice(0, colon);
  for (;;) {
    const dot = name.indexOf('.');
    if (dot < 0) break;
    name = name.slice(dot + 1);
    out.push(`*.${name}`);
  }
  return out;
}

/** Less specific scopes, most specific first (the transport's "" and the global default come after). */
export function policyNamespaces(img: PolicyImage): string[] {
  switch (img.transport) {
    case 'docker':
      return dockerNamespaces(img.ref);
    case 'docker-archive':
      return [];
    case 'oci-archive':
    case 'oci':
      return [...(img.ref ? [img.path] : []), ...parentDirs(img.path)];
    case 'dir':
      return parentDirs(img.path);
    case 'containers-storage': {
      const store = `[${img.driver}@${img.graphRoot}]`;
      const out: string[] = [];
      if (img.name !== undefined) {
        out.push(store + img.name);
        const at = img.name.indexOf('@');
        const repo = img.name.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
        if (at >= 0 && img.name.slice(0, at) !== repo) out.push(store + img.name.slice(0, at));
        const parts = repo.split('/');
        while (parts.length) {
          out.push(store + parts.join('/'));
          parts.pop();
        }
      }
      out.push(store, `[${img.graphRoot}]`);
      return out;
    }
  }
}
