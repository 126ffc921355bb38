// Podman's reports have two faces: JSON uses the Go structs' json tags
// (`host.idMappings.uidmap[].container_id`), templates use the Go field
// names (`{{.Host.IDMappings.UIDMap}}`). We build the JSON face once and
// derive the template face from it. Pure.

export interface GoViewSpec {
  /** json key → Go field name, where it is not just the key capitalised. */
  renames: Readonly<Record<string, string>>;
  /** Dotted JSON paths of Go maps: their keys stay as they are (`registries`). */
  maps: ReadonlySet<string>;
  /** Template-face zero values of `omitempty` fields the JSON leaves out, by dotted JSON path of their struct. */
  zeros?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

function capitalise(k: string): string {
  return k.charAt(0).toUpperCase() + k.slice(1);
}

/**
 * The template face of `json`. Each derived object carries a hidden toJSON
 * returning its JSON face, so `{{json .Host}}` prints json tags as podman does.
 */
export function goView(json: unknown, spec: GoViewSpec, at = ''): unknown {
  if (Array.isArray(json)) return json.map((x) => goView(x, spec, at + '[]'));
  if (json === null || typeof json !== 'object') return json;
  const isMap = spec.maps.has(at);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json as Record<string, unknown>)) {
    if (v === undefined) continue;
    const name = isMap ? k : (spec.renames[k] ?? capitalise(k));
    out[name] = goView(v, spec, at ? `${at}.${k}` : k);
  }
  for (const [name, zero] of Object.entries(spec.zeros?.[at] ?? {})) if (!(name in out)) out[name] = zero;
  Object.defineProperty(out, 'toJSON', { value: () => json, enumerable: false });
  return out;
}
