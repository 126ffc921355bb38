// `image trust show`: the policy as podman 4.3 describes it, one entry per
// requirement: the default first ("all"), then every transport's scopes,
// sorted, docker shown as "repository"; the lookaside store of the scope
// from registries.d; GPG ids of signedBy keys (from `gpg2 --with-colons`,
// through a callback). Pure.

import { lookasideFor, type RegistriesD } from './registries-d.js';

/** podman's trust.Policy, with its JSON keys. */
export interface TrustEntry {
  transport: string;
  name?: string;
  repo_name?: string;
  keys?: string[];
  sigstore?: string;
  type: string;
  gpg_id?: string;
}

/** What `trust show` reads from policy.json: loosely, as podman does (no validation). */
export interface LoosePolicy {
  default?: LooseRequirement[];
  transports?: Record<string, Record<string, LooseRequirement[]>>;
}

export interface LooseRequirement {
  type?: string;
  keyPath?: string;
  keyPaths?: string[];
  keyData?: string;
}

const TYPE_DESCRIPTION: Record<string, string> = {
  insecureAcceptAnything: 'accept',
  signedBy: 'signed',
  sigstoreSigned: 'sigstoreSigned',
  reject: 'reject',
};

export interface TrustViewDeps {
  /** GPG user ids (the e-mail part when there is one) of the keys in a key file. */
  gpgIds: (keyFile: string) => string[];
  /** Same, for base64 key data. */
  gpgIdsOfData: (base64: string) => string[];
  /** A requirement type podman does not know: it warns and shows an empty type. */
  warn: (msg: string) => void;
}

function describe(reqs: readonly LooseRequirement[], template: TrustEntry, store: string | undefined, deps: TrustViewDeps): TrustEntry[] {
  return reqs.map((r) => {
    const type = TYPE_DESCRIPTION[r.type ?? ''];
    if (type === undefined) deps.warn(`Invalid trust type ${r.type ?? ''}`);
    let gpg = '';
    if (r.type === 'signedBy') {
      const ids: string[] = [];
      if (r.keyPath) ids.push(...deps.gpgIds(r.keyPath));
      for (const p of r.keyPaths ?? []) ids.push(...deps.gpgIds(p));
      if (r.keyData) ids.push(...deps.gpgIdsOfData(r.keyData));
      gpg = ids.join(', ');
    } else if (r.type === 'sigstoreSigned') {
      gpg = 'N/A';
    }
    // podman's key order: transport, name, repo_name, keys, sigstore, type, gpg_id.
    const e: TrustEntry = { transport: template.transport } as TrustEntry;
    if (template.name !== undefined) e.name = template.name;
    if (template.repo_name !== undefined) e.repo_name = template.repo_name;
    if (store) e.sigstore = store;
    e.type = type ?? '';
    if (gpg) e.gpg_id = gpg;
    return e;
  });
}

export function trustEntries(policy: LoosePolicy, registries: RegistriesD, deps: TrustViewDeps): TrustEntry[] {
  const out: TrustEntry[] = [];
  if (policy.default?.length) {
    out.push(...describe(policy.default, { transport: 'all', name: '* (default)', repo_name: 'default', type: '' }, lookasideFor(registries, ''), deps));
  }
  const transports = policy.transports ?? {};
  for (const t of Object.keys(transports).sort()) {
    const scopes = transports[t] ?? {};
    for (const scope of Object.keys(scopes).sort()) {
      const template: TrustEntry = { transport: t === 'docker' ? 'repository' : t, type: '' };
      if (scope) {
        template.name = scope;
        template.repo_name = scope;
      }
      out.push(...describe(scopes[scope] ?? [], template, lookasideFor(registries, scope), deps));
    }
  }
  return out;
}

/** The table: TRANSPORT NAME TYPE ID STORE (tab-separated; the caller aligns it). */
export function trustTableLines(entries: readonly TrustEntry[], heading: boolean): string[] {
  const rows = entries.map((e) => [e.transport, e.repo_name ?? '', e.type, e.gpg_id ?? '', e.sigstore ?? ''].join('\t'));
  return heading ? ['TRANSPORT\tNAME\tTYPE\tID\tSTORE', ...rows] : rows;
}

/** gpg's --with-colons listing → the user ids podman shows (the address inside <...> when there is one). */
export function parseGpgUids(colons: string): string[] {
  const out: string[] = [];
  for (const line of colons.split('\n')) {
    if (!line.startsWith('uid:') && !line.startsWith('pub:')) continue;
    const uid = line.split(':')[9] ?? '';
    if (!uid) continue;
    const m = /<([^>]*)>/.exec(uid);
    out.push(uid.includes('<') && uid.includes('>') && m ? m[1]! : uid);
  }
  return out;
}
