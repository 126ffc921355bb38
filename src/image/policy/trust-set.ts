// `image trust set`: podman 4.3's edit of policy.json. The new requirement
// list replaces the scope's (in whichever transport already has the scope,
// else under docker), or the default; the file is rewritten with podman's
// layout (4-space indent, maps sorted, requirements as they were) —
// atomically, where podman writes in place. Pure apart from the file.

import { TscRunError, UsageError } from '../../errors.js';

export const TRUST_TYPES = ['accept', 'insecureAcceptAnything', 'reject', 'signedBy', 'sigstoreSigned'];

export interface TrustSetInput {
  /** "default" or a registry/repository scope. */
  scope: string;
  /** As given (-t). */
  type: string;
  pubKeyFiles: readonly string[];
}

/** podman's check of the REGISTRY argument (its host must look like one). */
export function checkTrustScope(scope: string): void {
  const host = /^[^/?#]*/.exec(scope)![0].replace(/^.*@/, '');
  const bad = /[\s"<>\\^`{|}]/.exec(host);
  if (bad) throw new UsageError(`invalid image uri: ${scope}: parse "http://${scope}": invalid character ${JSON.stringify(bad[0])} in host name`);
  if (!/^[a-zA-Z0-9-_.]+\/?:?[0-9]*[a-z0-9-/:]*$/.test(host)) throw new UsageError(`invalid image uri: ${JSON.stringify(scope)}: not a registry or repository name`);
}

function requirements(input: TrustSetInput): Array<Record<string, string>> {
  const type = input.type === 'accept' ? 'insecureAcceptAnything' : input.type;
  const keys = input.pubKeyFiles;
  switch (type) {
    case 'insecureAcceptAnything':
    case 'reject':
      if (keys.length) throw new UsageError(`${keys.length} public keys unexpectedly provided for trust type ${input.type}`);
      return [{ type }];
    case 'signedBy':
      if (!keys.length) throw new UsageError("at least one public key must be defined for type 'signedBy'");
      return keys.map((k) => ({ type, keyType: 'GPGKeys', keyPath: k }));
    case 'sigstoreSigned':
      if (!keys.length) throw new UsageError("at least one public key must be defined for type 'sigstoreSigned'");
      return keys.map((k) => ({ type, keyPath: k }));
    default:
      throw new UsageError(`unknown trust type ${JSON.stringify(input.type)}`);
  }
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}

/** The new file's text from the old one (undefined: no file yet). */
export function applyTrustSet(oldText: string | undefined, input: TrustSetInput): string {
  const reqs = requirements(input);
  let doc: { default?: unknown; transports?: Record<string, Record<string, unknown>> } = {};
  if (oldText !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(oldText);
    } catch {
      throw new TscRunError('could not read trust policies');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TscRunError('could not read trust policies');
    const p = parsed as Record<string, unknown>;
    doc = { default: p.default, transports: (p.transports ?? undefined) as typeof doc.transports };
  }
  if (input.scope === 'default') {
    doc.default = reqs;
  } else {
    if (doc.default === undefined || doc.default === null || (Array.isArray(doc.default) && doc.default.length === 0)) {
      throw new TscRunError('default trust policy must be set');
    }
    const transports = (doc.transports ??= {});
    const holder = Object.keys(transports).find((t) => Object.hasOwn(transports[t] ?? {}, input.scope));
    (transports[holder ?? 'docker'] ??= {})[input.scope] = reqs;
  }
  const out: Record<string, unknown> = { default: doc.default ?? null };
  if (doc.transports && Object.keys(doc.transports).length) {
    out.transports = sortKeys(Object.fromEntries(Object.entries(doc.transports).map(([t, scopes]) => [t, scopes === null ? null : sortKeys(scopes)])));
  }
  return JSON.stringify(out, null, 4);
}
