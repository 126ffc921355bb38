// --configmap FILE: every ConfigMap document in it (other kinds are an error, as podman). Pure.

import { parseAllDocuments } from 'yaml';
import { KubeYamlError, type KubeDoc } from './kube-parse.js';

export function parseAllConfigMaps(text: string, file: string): KubeDoc[] {
  const out: KubeDoc[] = [];
  for (const d of parseAllDocuments(text)) {
    const err = d.errors[0];
    if (err) throw new KubeYamlError(`${file}: ${err.message.split('\n')[0]}`);
    const v = d.toJS() as { kind?: unknown; metadata?: { name?: unknown }; data?: unknown } | null;
    if (v === null || v === undefined) continue;
    if (v.kind !== 'ConfigMap') throw new KubeYamlError(`${file}: invalid YAML kind: ${JSON.stringify(v.kind)}: only ConfigMap is allowed in a --configmap file`);
    const name = v.metadata?.name;
    if (typeof name !== 'string') throw new KubeYamlError(`${file}: metadata.name: missing`);
    const data: Record<string, string> = {};
    if (v.data !== undefined && v.data !== null) {
      if (typeof v.data !== 'object' || Array.isArray(v.data)) throw new KubeYamlError(`${file}: data: must be a mapping`);
      for (const [k, x] of Object.entries(v.data as Record<string, unknown>)) data[k] = String(x);
    }
    out.push({ kind: 'ConfigMap', metadata: { name }, data });
  }
  return out;
}
