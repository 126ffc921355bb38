// run/create --secret NAME[,type=mount,target=PATH]: a secret becomes a
// read-only bind mount of its stored file, at /run/secrets/NAME or TARGET
// (a relative target is under /run/secrets). Options the engine cannot
// honour (type=env, uid, gid, mode) are refused with the reason. Pure.

import { UsageError } from '../errors.js';

export interface SecretMountSpec {
  name: string;
  target: string;
}

export function parseSecretFlag(value: string): SecretMountSpec {
  const [name, ...opts] = value.split(',');
  if (!name) throw new UsageError(`invalid secret ${JSON.stringify(value)}: no name`);
  let target = `/run/secrets/${name}`;
  for (const o of opts) {
    const eq = o.indexOf('=');
    const k = eq < 0 ? o : o.slice(0, eq);
    const v = eq < 0 ? '' : o.slice(eq + 1);
    switch (k) {
      case 'type':
        if (v === 'env') throw new UsageError('--secret type=env is not supported by tsc-run: the value would show in inspect; use type=mount');
        if (v !== 'mount') throw new UsageError(`type ${v} is invalid: must be 'mount' or 'env'`);
        break;
      case 'target':
        if (v === '') throw new UsageError('target of a secret must not be empty');
        target = v.startsWith('/') ? v : `/run/secrets/${v}`;
        break;
      case 'uid':
      case 'gid':
      case 'mode':
        throw new UsageError(`--secret ${k}= is not supported by tsc-run: the secret is mounted read-only, owned by the container's root`);
      default:
        throw new UsageError(`option ${JSON.stringify(o)} invalid`);
    }
  }
  return { name, target };
}
