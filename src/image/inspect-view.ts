// `image inspect`: podman's ImageData, JSON keys and order as podman prints
// them, plus the Go-template face where it differs ({{.ID}} as well as
// {{.Id}}, {{.Created}} as a Go time, nil maps and lists as `map[]`/`[]`).
// Pure.

import type { ContainerConfig, HistoryEntry, ImageConfig, ImageManifest } from './oci.js';
import { GO_FORMAT, GoNilPointer, goString } from '../format/template.js';
import { goDurationString, GoTime } from '../format/go-time.js';
import { withGoFields } from '../format/go-fields.js';
import { labelsOf, repoDigests, repoTags } from './summary.js';

export interface InspectInput {
  id: string;
  names: readonly string[];
  namesHistory: readonly string[];
  digest: string;
  manifestMediaType: string;
  config: ImageConfig;
  manifest: ImageManifest | undefined;
  size: number;
  parentId: string;
  /** Diff dirs of the image's layers, bottom first. */
  layerDirs: readonly string[];
  /** The top layer's work dir, as podman's overlay driver reports it. */
  workDir: string | undefined;
}

const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

/** Go's RFC3339Nano for a stored timestamp: fraction without trailing zeros, as given otherwise. */
export function goRfc3339Nano(ts: string): string {
  return ts.replace(/\.(\d*?)0+(?=(Z|[+-]\d\d:\d\d)$)/, (_m, digits: string) => (digits ? `.${digits}` : ''));
}

/** The OCI ImageConfig the way Go decodes and re-encodes it: known fields only, in struct order, empty ones left out. */
export function ociConfigJson(c: ContainerConfig | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!c) return out;
  const order = ['User', 'ExposedPorts', 'Env', 'Entrypoint', 'Cmd', 'Volumes', 'WorkingDir', 'Labels', 'StopSignal', 'ArgsEscaped'] as const;
  const src = c as Record<string, unknown>;
  for (const k of order) {
    const v = src[k];
    if (v === undefined || v === null || v === '' || v === false) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out;
}

function historyJson(h: readonly HistoryEntry[]): Array<Record<string, unknown>> {
  return h.map((e) => {
    const o: Record<string, unknown> = {};
    if (e.created) o.created = goRfc3339Nano(e.created);
    if (e.created_by) o.created_by = e.created_by;
    if (e.author) o.author = e.author;
    if (e.comment) o.comment = e.comment;
    if (e.empty_layer) o.empty_layer = true;
    return o;
  });
}

/** podman's ImageData as JSON. */
export function inspectJson(i: InspectInput): Record<string, unknown> {
  const c = i.config;
  const docker = i.manifestMediaType === DOCKER_MANIFEST;
  const topDir = i.layerDirs[i.layerDirs.length - 1];
  const lower = i.layerDirs.slice(0, -1).reverse();
  const driverData: Record<string, string> = {};
  if (lower.length) driverData.LowerDir = lower.join(':');
  if (topDir) driverData.UpperDir = topDir;
  if (i.workDir) driverData.WorkDir = i.workDir;
  const comment = docker ? ((c as { comment?: string }).comment ?? '') : (c.history?.[0]?.comment ?? '');
  return {
    Id: i.id,
    Digest: i.digest,
    RepoTags: repoTags(i.names),
    RepoDigests: repoDigests(i.names, i.digest),
    Parent: i.parentId,
    Comment: comment,
    Created: c.created ? goRfc3339Nano(c.created) : '0001-01-01T00:00:00Z',
    Config: ociConfigJson(c.config),
    Version: (c as { docker_version?: string }).docker_version ?? '',
    Author: c.author ?? '',
    Architecture: c.architecture ?? '',
    Os: c.os ?? '',
    Size: i.size,
    VirtualSize: i.size,
    GraphDriver: { Name: 'overlay', Data: topDir ? driverData : null },
    RootFS: { Type: c.rootfs.type, Layers: [...c.rootfs.diff_ids] },
    Labels: labelsOf(c),
    Annotations: (docker ? undefined : i.manifest?.annotations) ?? {},
    ManifestType: i.manifestMediaType,
    User: c.config?.User ?? '',
    History: historyJson(c.history ?? []),
    NamesHistory: i.namesHistory.length ? [...i.namesHistory] : null,
    ...(c.config?.Healthcheck ? { Healthcheck: healthcheckJson(c.config.Healthcheck) } : {}),
  };
}

type Healthcheck = NonNullable<ContainerConfig['Healthcheck']>;

/** podman's manifest.Schema2HealthConfig: its field order, zero durations and retries left out. */
function healthcheckJson(h: Healthcheck): Record<string, unknown> {
  const out: Record<string, unknown> = { Test: [...(h.Test ?? [])] };
  if (h.StartPeriod) out.StartPeriod = h.StartPeriod;
  if (h.Interval) out.Interval = h.Interval;
  if (h.Timeout) out.Timeout = h.Timeout;
  if (h.Retries) out.Retries = h.Retries;
  return out;
}

/** The HealthCheck a template sees: its JSON for `json`, Go's struct print (durations as 1m30s) for `{{.HealthCheck}}`. */
function healthcheckView(json: Record<string, unknown>): Record<string, unknown> {
  const n = (k: string) => (typeof json[k] === 'number' ? (json[k]) : 0);
  const view: Record<string, unknown> = { ...json };
  Object.defineProperty(view, 'toJSON', { value: () => json, enumerable: false });
  Object.defineProperty(view, GO_FORMAT, {
    value: () => `{${goString(json.Test ?? [], false)} ${goDurationString(n('StartPeriod'))} ${goDurationString(n('Interval'))} ${goDurationString(n('Timeout'))} ${n('Retries')}}`,
    enumerable: false,
  });
  return view;
}

/**
 * The object templates see: JSON values, except Go's renderings where they
 * differ; `{{json .}}` and JSON output still give the JSON face.
 */
export function inspectView(json: Record<string, unknown>): Record<string, unknown> {
  const created = typeof json.Created === 'string' ? Date.parse(json.Created) : NaN;
  const view: Record<string, unknown> = {
    ...json,
    // A Go time: its String() in a template, and its methods (`{{.Created.Unix}}`).
    Created: Number.isNaN(created) ? json.Created : GoTime.parseOrZero(json.Created as string),
    Labels: json.Labels ?? {},
    NamesHistory: json.NamesHistory ?? [],
  };
  // podman accepts the Go field name too.
  Object.defineProperty(view, 'ID', { value: json.Id, enumerable: false });
  // The Go field is HealthCheck (JSON Healthcheck), and podman reads `.Config.Healthcheck` as it, as docker has it.
  const hc = json.Healthcheck !== undefined ? healthcheckView(json.Healthcheck as Record<string, unknown>) : new GoNilPointer();
  Object.defineProperty(view, 'HealthCheck', { value: hc, enumerable: false });
  if (typeof json.Config === 'object' && json.Config !== null) {
    const config = { ...(json.Config as Record<string, unknown>) };
    Object.defineProperty(config, 'Healthcheck', { value: hc, enumerable: false });
    Object.defineProperty(config, 'toJSON', { value: () => json.Config, enumerable: false });
    // A template still reads the left-out strings and bools at their zero value, as Go's struct has them.
    view.Config = withGoFields(config, { User: '', WorkingDir: '', StopSignal: '', ArgsEscaped: false });
  }
  Object.defineProperty(view, 'toJSON', { value: () => json, enumerable: false });
  return view;
}
