// --secret values → `-v FILE:TARGET:ro` binds of the stored secret files.

import { UsageError } from '../errors.js';
import { parseSecretFlag } from './secret-mount.js';
import { SecretStore } from './secret-store.js';

export async function secretBinds(dataRoot: string, values: readonly string[]): Promise<string[]> {
  const store = new SecretStore(dataRoot);
  const out: string[] = [];
  const targets = new Set<string>();
  for (const v of values) {
    const spec = parseSecretFlag(v);
    const rec = await store.lookup(spec.name);
    if (targets.has(spec.target)) throw new UsageError(`duplicate secret target ${spec.target}`);
    targets.add(spec.target);
    out.push(`${store.dataFile(rec.ID)}:${spec.target}:ro`);
  }
  return out;
}
