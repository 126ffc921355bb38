// Validation of one compose file against the shape of the Compose
// Specification (schema.ts, with ajv), turning the first error into
// `services.web.ports[0]: must be ...` with the key's path.

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { COMPOSE_SCHEMA } from './schema.js';
import { ComposeFileError, keyPath } from './errors.js';

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    compiled = ajv.compile(COMPOSE_SCHEMA);
  }
  return compiled;
}

export function validateComposeFile(file: string, tree: unknown): void {
  const v = validator();
  if (v(tree)) return;
  const [path, reason] = describe(v.errors ?? []);
  throw new ComposeFileError(file, path, reason);
}

function parts(instancePath: string): Array<string | number> {
  return instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** The most precise of ajv's errors, in words. */
export function describe(errors: readonly ErrorObject[]): [string, string] {
  const depth = (e: ErrorObject) => (e.instancePath === '' ? 0 : e.instancePath.split('/').length) + (e.keyword === 'additionalProperties' ? 1 : 0);
  const real = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf' && e.keyword !== 'if');
  const pool = real.length ? real : [...errors];
  const max = Math.max(...pool.map(depth));
  const deepest = pool.filter((e) => depth(e) === max);
  // Where a oneOf offers a scalar or an object, the object branch's own
  // error (a missing or unknown key) says more than "must be string".
  const first = deepest.find((e) => e.keyword !== 'type') ?? deepest[0]!;
  const p = parts(first.instancePath);
  if (first.keyword === 'additionalProperties') {
    const prop = String((first.params as { additionalProperty: string }).additionalProperty);
    return [keyPath(p), `additional property ${JSON.stringify(prop)} is not allowed`];
  }
  const sameSpot = deepest.filter((e) => e.instancePath === first.instancePath);
  const types = [...new Set(sameSpot.filter((e) => e.keyword === 'type').flatMap((e) => String((e.params as { type: string }).type).split(',')))];
  if (types.length && sameSpot.every((e) => e.keyword === 'type' || e.keyword === 'enum' || e.keyword === 'pattern' || e.keyword === 'format')) {
    return [keyPath(p), `must be ${types.join(' or ')}`];
  }
  if (first.keyword === 'enum') {
    return [keyPath(p), `must be one of ${((first.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(', ')}`];
  }
  if (first.keyword === 'required') {
    return [keyPath(p), `missing required property ${JSON.stringify((first.params as { missingProperty: string }).missingProperty)}`];
  }
  if (first.keyword === 'uniqueItems') return [keyPath(p), 'must not contain duplicate items'];
  return [keyPath(p), first.message ?? 'invalid'];
}
