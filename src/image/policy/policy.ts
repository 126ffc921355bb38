// containers-policy.json(5): the file's shape and its validation, as
// containers/image reads it (unknown keys, an empty requirement list, a
// missing default are errors). Pure: text in, a Policy or a PolicyFormatError out.

import { TscRunError } from '../../errors.js';

/** One signedIdentity matcher (containers-policy.json(5)); kept as given, checked for shape. */
export type SignedIdentity =
  | { type: 'matchExact' | 'matchRepoDigestOrExact' | 'matchRepository' }
  | { type: 'exactReference'; dockerReference: string }
  | { type: 'exactRepository'; dockerRepository: string }
  | { type: 'remapIdentity'; prefix: string; signedPrefix: string };

export type PolicyRequirement =
  | { type: 'insecureAcceptAnything' }
  | { type: 'reject' }
  | {
      type: 'signedBy';
      keyType: string;
      keyPath?: string;
      keyPaths?: string[];
      keyData?: string;
      signedIdentity?: SignedIdentity;
    }
  | {
      type: 'sigstoreSigned';
      keyPath?: string;
      keyData?: string;
      fulcio?: Record<string, unknown>;
      rekorPublicKeyPath?: string;
      rekorPublicKeyData?: string;
      signedIdentity?: SignedIdentity;
    };

/** transport name → scope ("" is the transport's default) → requirements. */
export type PolicyTransports = Record<string, Record<string, PolicyRequirement[]>>;

export interface Policy {
  default: PolicyRequirement[];
  transports: PolicyTransports;
}

/** The policy file is unreadable as a policy (podman: `invalid policy in "PATH": ...`). */
export class PolicyFormatError extends TscRunError {}

const KEY_TYPES = ['GPGKeys', 'signedByGPGKeys', 'X509Certificates', 'signedByX509CAs'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new PolicyFormatError(`Unknown key "${k}"`);
}

function str(o: Record<string, unknown>, k: string, required: boolean): string | undefined {
  const v = o[k];
  if (v === undefined) {
    if (required) throw new PolicyFormatError(`Field "${k}" is missing`);
    return undefined;
  }
  if (typeof v !== 'string') throw new PolicyFormatError(`Field "${k}" must be a string`);
  return v;
}

function parseIdentity(v: unknown): SignedIdentity {
  if (!isObject(v)) throw new PolicyFormatError('signedIdentity must be an object');
  const type = str(v, 'type', true)!;
  switch (type) {
    case 'matchExact':
    case 'matchRepoDigestOrExact':
    case 'matchRepository':
      onlyKeys(v, ['type']);
      return { type };
    case 'exactReference':
      onlyKeys(v, ['type', 'dockerReference']);
      return { type, dockerReference: str(v, 'dockerReference', true)! };
    case 'exactRepository':
      onlyKeys(v, ['type', 'dockerRepository']);
      return { type, dockerRepository: str(v, 'dockerRepository', true)! };
    case 'remapIdentity':
      onlyKeys(v, ['type', 'prefix', 'signedPrefix']);
      return { type, prefix: str(v, 'prefix', true)!, signedPrefix: str(v, 'signedPrefix', true)! };
    default:
      throw new PolicyFormatError(`Unknown policy reference match type "${type}"`);
  }
}

function exactlyOne(o: Record<string, unknown>, keys: readonly string[], what: string): void {
  const n = keys.filter((k) => o[k] !== undefined).length;
  if (n !== 1) throw new PolicyFormatError(`exactly one of ${keys.join(', ')} must be specified for ${what}`);
}

export function parseRequirement(v: unknown): PolicyRequirement {
  if (!isObject(v)) throw new PolicyFormatError('a policy requirement must be an object');
  const type = str(v, 'type', true)!;
  switch (type) {
    case 'insecureAcceptAnything':
    case 'reject':
      onlyKeys(v, ['type']);
      return { type };
    case 'signedBy': {
      onlyKeys(v, ['type', 'keyType', 'keyPath', 'keyPaths', 'keyData', 'signedIdentity']);
      const keyType = str(v, 'keyType', true)!;
      if (!KEY_TYPES.includes(keyType)) throw new PolicyFormatError(`Unknown key type "${keyType}"`);
      exactlyOne(v, ['keyPath', 'keyPaths', 'keyData'], 'signedBy');
      const keyPaths = v.keyPaths;
      if (keyPaths !== undefined && (!Array.isArray(keyPaths) || keyPaths.some((p) => typeof p !== 'string'))) {
        throw new PolicyFormatError('Field "keyPaths" must be an array of strings');
      }
      return {
        type,
        keyType,
        keyPath: str(v, 'keyPath', false),
        keyPaths: keyPaths as string[] | undefined,
        keyData: str(v, 'keyData', false),
        signedIdentity: v.signedIdentity !== undefined ? parseIdentity(v.signedIdentity) : undefined,
      };
    }
    case 'sigstoreSigned': {
      onlyKeys(v, ['type', 'keyPath', 'keyData', 'fulcio', 'rekorPublicKeyPath', 'rekorPublicKeyData', 'signedIdentity']);
      exactlyOne(v, ['keyPath', 'keyData', 'fulcio'], 'sigstoreSigned');
      if (v.fulcio !== undefined && !isObject(v.fulcio)) throw new PolicyFormatError('Field "fulcio" must be an object');
      return {
        type,
        keyPath: str(v, 'keyPath', false),
        keyData: str(v, 'keyData', false),
        fulcio: v.fulcio,
        rekorPublicKeyPath: str(v, 'rekorPublicKeyPath', false),
        rekorPublicKeyData: str(v, 'rekorPublicKeyData', false),
        signedIdentity: v.signedIdentity !== undefined ? parseIdentity(v.signedIdentity) : undefined,
      };
    }
    default:
      throw new PolicyFormatError(`Unknown policy requirement type "${type}"`);
  }
}

function parseRequirements(v: unknown): PolicyRequirement[] {
  if (!Array.isArray(v)) throw new PolicyFormatError('a list of policy requirements must be an array');
  if (v.length === 0) throw new PolicyFormatError('List of verification policy requirements must not be empty');
  return v.map(parseRequirement);
}

/**
 * Scopes containers/image refuses: for dir, oci and oci-archive a path that
 * is not absolute and clean (it reports them as an unknown key). docker
 * scopes and unknown transports are taken as they are, as it does.
 */
export function checkScope(transport: string, scope: string): void {
  if (scope === '' || !['dir', 'oci', 'oci-archive'].includes(transport)) return;
  const clean = scope.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
  const parts = scope.split('/');
  if (!scope.startsWith('/') || scope === '/' || clean !== scope || parts.includes('.') || parts.includes('..')) {
    throw new PolicyFormatError(`Unknown key "${scope}"`);
  }
}

/** Parse policy.json text. Throws PolicyFormatError with containers/image's reason (the caller names the file). */
export function parsePolicy(text: string): Policy {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new PolicyFormatError((err as Error).message);
  }
  if (!isObject(doc)) throw new PolicyFormatError('the policy must be a JSON object');
  onlyKeys(doc, ['default', 'transports']);
  if (doc.default === undefined) throw new PolicyFormatError('Default policy is missing');
  const policy: Policy = { default: parseRequirements(doc.default), transports: {} };
  if (doc.transports !== undefined && doc.transports !== null) {
    if (!isObject(doc.transports)) throw new PolicyFormatError('"transports" must be an object');
    for (const [t, scopes] of Object.entries(doc.transports)) {
      if (!isObject(scopes)) throw new PolicyFormatError(`the scopes of transport "${t}" must be an object`);
      const out: Record<string, PolicyRequirement[]> = {};
      for (const [scope, reqs] of Object.entries(scopes)) {
        checkScope(t, scope);
        out[scope] = parseRequirements(reqs);
      }
      policy.transports[t] = out;
    }
  }
  return policy;
}
