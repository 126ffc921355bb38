// Kubernetes YAML as podman 4.3's kube play reads it: multi-document files
// (anchors and merge keys through the `yaml` package), each document's
// kind picked out: Pod, Deployment, DaemonSet, PersistentVolumeClaim,
// ConfigMap, Secret (others are skipped, as podman does). Shapes are checked where a wrong
// one would be misread; every error names the file and the key path:
//   Error: pod.yaml: spec.containers[0].image: missing
// Pure.

import { parseAllDocuments } from 'yaml';
import { TscRunError } from '../errors.js';

export class KubeYamlError extends TscRunError {}

export interface KubeEnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    fieldRef?: { fieldPath: string };
    resourceFieldRef?: { resource: string; divisor?: string };
  };
}

/** A liveness or readiness probe: one of exec, httpGet, tcpSocket, and its timing. */
export interface KubeProbe {
  exec?: { command: string[] };
  httpGet?: { path?: string; port: number; host?: string; scheme?: string };
  tcpSocket?: { port: number; host?: string };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
}

export interface KubeContainer {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: KubeEnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string; optional?: boolean }; secretRef?: { name: string; optional?: boolean }; prefix?: string }>;
  ports?: Array<{ containerPort: number; hostPort?: number; hostIP?: string; protocol?: string; name?: string }>;
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean; subPath?: string }>;
  securityContext?: {
    runAsUser?: number;
    runAsGroup?: number;
    privileged?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { add?: string[]; drop?: string[] };
    seLinuxOptions?: unknown;
    allowPrivilegeEscalation?: boolean;
  };
  resources?: { limits?: Record<string, string | number>; requests?: Record<string, string | number> };
  stdin?: boolean;
  tty?: boolean;
  livenessProbe?: KubeProbe;
  readinessProbe?: KubeProbe;
}

export interface KubeVolume {
  name: string;
  hostPath?: { path: string; type?: string };
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  emptyDir?: { medium?: string };
  configMap?: { name: string; items?: Array<{ key: string; path: string }>; optional?: boolean };
  secret?: { secretName: string; items?: Array<{ key: string; path: string }>; optional?: boolean };
}

export interface KubePodSpec {
  containers: KubeContainer[];
  initContainers?: KubeContainer[];
  volumes?: KubeVolume[];
  restartPolicy?: string;
  hostname?: string;
  hostNetwork?: boolean;
  hostAliases?: Array<{ ip: string; hostnames: string[] }>;
  shareProcessNamespace?: boolean;
  dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: Array<{ name: string; value?: string }> };
  /** The pod's securityContext: the containers' defaults (runAsUser/Group), their groups, the pod's sysctls. */
  securityContext?: { runAsUser?: number; runAsGroup?: number; supplementalGroups?: number[]; sysctls?: Array<{ name: string; value: string }>; seLinuxOptions?: unknown };
}

export interface KubeMeta {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export type KubeDoc =
  | { kind: 'Pod'; metadata: KubeMeta; spec: KubePodSpec }
  | { kind: 'Deployment'; metadata: KubeMeta; spec: { replicas?: number; template: { metadata?: Partial<KubeMeta>; spec: KubePodSpec } } }
  | { kind: 'DaemonSet'; metadata: KubeMeta; spec: { template: { metadata?: Partial<KubeMeta>; spec: KubePodSpec } } }
  | { kind: 'PersistentVolumeClaim'; metadata: KubeMeta }
  | { kind: 'ConfigMap'; metadata: KubeMeta; data: Record<string, string> }
  /** data decoded from base64, stringData over it (as the API server merges them). */
  | { kind: 'Secret'; metadata: KubeMeta; data: Record<string, string> };

type Json = unknown;

class Checker {
  constructor(readonly file: string) {}

  fail(path: string, reason: string): never {
    throw new KubeYamlError(`${this.file}: ${path}: ${reason}`);
  }

  obj(v: Json, path: string): Record<string, Json> {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(path, 'must be a mapping');
    return v as Record<string, Json>;
  }

  arr(v: Json, path: string): Json[] {
    if (!Array.isArray(v)) this.fail(path, 'must be a list');
    return v;
  }

  str(v: Json, path: string): string {
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (typeof v !== 'string') this.fail(path, v === undefined || v === null ? 'missing' : 'must be a string');
    return v;
  }

  optStr(v: Json, path: string): string | undefined {
    return v === undefined || v === null ? undefined : this.str(v, path);
  }

  strs(v: Json, path: string): string[] | undefined {
    if (v === undefined || v === null) return undefined;
    return this.arr(v, path).map((x, i) => this.str(x, `${path}[${i}]`));
  }

  int(v: Json, path: string): number {
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n)) this.fail(path, 'must be an integer');
    return n;
  }

  map(v: Json, path: string): Record<string, string> | undefined {
    if (v === undefined || v === null) return undefined;
    const o = this.obj(v, path);
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(o)) out[k] = this.str(x, `${path}.${k}`);
    return out;
  }
}

function meta(c: Checker, v: Json, path: string): KubeMeta {
  const o = c.obj(v, path);
  const m: KubeMeta = { name: c.str(o.name, `${path}.name`) };
  const labels = c.map(o.labels, `${path}.labels`);
  if (labels) m.labels = labels;
  const annotations = c.map(o.annotations, `${path}.annotations`);
  if (annotations) m.annotations = annotations;
  return m;
}

function probe(c: Checker, v: Json, path: string): KubeProbe {
  const o = c.obj(v, path);
  const out: KubeProbe = {};
  const port = (x: Json, p: string) => {
    if (typeof x === 'string' && !/^\d+$/.test(x)) c.fail(p, 'named ports are not supported: give the number');
    return c.int(x, p);
  };
  if (o.exec != null) {
    const command = c.strs(c.obj(o.exec, `${path}.exec`).command, `${path}.exec.command`);
    if (!command?.length) c.fail(`${path}.exec.command`, 'missing');
    out.exec = { command };
  } else if (o.httpGet != null) {
    const h = c.obj(o.httpGet, `${path}.httpGet`);
    out.httpGet = { port: port(h.port, `${path}.httpGet.port`) };
    for (const k of ['path', 'host', 'scheme'] as const) {
      const x = c.optStr(h[k], `${path}.httpGet.${k}`);
      if (x !== undefined) out.httpGet[k] = x;
    }
  } else if (o.tcpSocket != null) {
    const h = c.obj(o.tcpSocket, `${path}.tcpSocket`);
    out.tcpSocket = { port: port(h.port, `${path}.tcpSocket.port`) };
    const host = c.optStr(h.host, `${path}.tcpSocket.host`);
    if (host !== undefined) out.tcpSocket.host = host;
  } else c.fail(path, 'a probe needs exec, httpGet or tcpSocket');
  for (const k of ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold'] as const) {
    if (o[k] != null) out[k] = c.int(o[k], `${path}.${k}`);
  }
  return out;
}

function container(c: Checker, v: Json, path: string): KubeContainer {
  const o = c.obj(v, path);
  const k: KubeContainer = { name: c.str(o.name, `${path}.name`), image: c.str(o.image, `${path}.image`) };
  const command = c.strs(o.command, `${path}.command`);
  if (command) k.command = command;
  const args = c.strs(o.args, `${path}.args`);
  if (args) k.args = args;
  const wd = c.optStr(o.workingDir, `${path}.workingDir`);
  if (wd !== undefined) k.workingDir = wd;
  if (o.env != null) {
    k.env = c.arr(o.env, `${path}.env`).map((e, i) => {
      const p = `${path}.env[${i}]`;
      const eo = c.obj(e, p);
      const out: KubeEnvVar = { name: c.str(eo.name, `${p}.name`) };
      if (eo.value != null) out.value = c.str(eo.value, `${p}.value`);
      if (eo.valueFrom != null) {
        const vf = c.obj(eo.valueFrom, `${p}.valueFrom`);
        if (vf.configMapKeyRef != null) {
          const r = c.obj(vf.configMapKeyRef, `${p}.valueFrom.configMapKeyRef`);
          out.valueFrom = { configMapKeyRef: { name: c.str(r.name, `${p}.valueFrom.configMapKeyRef.name`), key: c.str(r.key, `${p}.valueFrom.configMapKeyRef.key`), optional: r.optional === true } };
        } else if (vf.secretKeyRef != null) {
          const r = c.obj(vf.secretKeyRef, `${p}.valueFrom.secretKeyRef`);
          out.valueFrom = { secretKeyRef: { name: c.str(r.name, `${p}.valueFrom.secretKeyRef.name`), key: c.str(r.key, `${p}.valueFrom.secretKeyRef.key`), optional: r.optional === true } };
        } else if (vf.fieldRef != null) {
          out.valueFrom = { fieldRef: { fieldPath: c.str(c.obj(vf.fieldRef, `${p}.valueFrom.fieldRef`).fieldPath, `${p}.valueFrom.fieldRef.fieldPath`) } };
        } else if (vf.resourceFieldRef != null) {
          const r = c.obj(vf.resourceFieldRef, `${p}.valueFrom.resourceFieldRef`);
          const divisor = c.optStr(r.divisor, `${p}.valueFrom.resourceFieldRef.divisor`);
          out.valueFrom = { resourceFieldRef: { resource: c.str(r.resource, `${p}.valueFrom.resourceFieldRef.resource`), ...(divisor !== undefined ? { divisor } : {}) } };
        } else c.fail(`${p}.valueFrom`, 'only configMapKeyRef, secretKeyRef, fieldRef and resourceFieldRef are supported');
      }
      return out;
    });
  }
  if (o.envFrom != null) {
    k.envFrom = c.arr(o.envFrom, `${path}.envFrom`).map((e, i) => {
      const p = `${path}.envFrom[${i}]`;
      const eo = c.obj(e, p);
      if (eo.configMapRef == null && eo.secretRef == null) c.fail(p, 'only configMapRef and secretRef are supported');
      const key = eo.configMapRef != null ? 'configMapRef' : 'secretRef';
      const r = c.obj(eo[key], `${p}.${key}`);
      const out: NonNullable<KubeContainer['envFrom']>[number] = { [key]: { name: c.str(r.name, `${p}.${key}.name`), optional: r.optional === true } };
      const prefix = c.optStr(eo.prefix, `${p}.prefix`);
      if (prefix !== undefined) out.prefix = prefix;
      return out;
    });
  }
  if (o.ports != null) {
    k.ports = c.arr(o.ports, `${path}.ports`).map((e, i) => {
      const p = `${path}.ports[${i}]`;
      const po = c.obj(e, p);
      const out: NonNullable<KubeContainer['ports']>[number] = { containerPort: c.int(po.containerPort, `${p}.containerPort`) };
      if (po.hostPort != null) out.hostPort = c.int(po.hostPort, `${p}.hostPort`);
      if (po.hostIP != null) out.hostIP = c.str(po.hostIP, `${p}.hostIP`);
      if (po.protocol != null) out.protocol = c.str(po.protocol, `${p}.protocol`);
      return out;
    });
  }
  if (o.volumeMounts != null) {
    k.volumeMounts = c.arr(o.volumeMounts, `${path}.volumeMounts`).map((e, i) => {
      const p = `${path}.volumeMounts[${i}]`;
      const vo = c.obj(e, p);
      const out: NonNullable<KubeContainer['volumeMounts']>[number] = { name: c.str(vo.name, `${p}.name`), mountPath: c.str(vo.mountPath, `${p}.mountPath`) };
      if (vo.readOnly === true) out.readOnly = true;
      if (vo.subPath != null) out.subPath = c.str(vo.subPath, `${p}.subPath`);
      return out;
    });
  }
  if (o.securityContext != null) {
    const p = `${path}.securityContext`;
    const so = c.obj(o.securityContext, p);
    const sc: NonNullable<KubeContainer['securityContext']> = {};
    if (so.runAsUser != null) sc.runAsUser = c.int(so.runAsUser, `${p}.runAsUser`);
    if (so.runAsGroup != null) sc.runAsGroup = c.int(so.runAsGroup, `${p}.runAsGroup`);
    if (so.privileged === true) sc.privileged = true;
    if (so.readOnlyRootFilesystem === true) sc.readOnlyRootFilesystem = true;
    if (so.seLinuxOptions != null) sc.seLinuxOptions = so.seLinuxOptions;
    if (typeof so.allowPrivilegeEscalation === 'boolean') sc.allowPrivilegeEscalation = so.allowPrivilegeEscalation;
    if (so.capabilities != null) {
      const co = c.obj(so.capabilities, `${p}.capabilities`);
      const add = c.strs(co.add, `${p}.capabilities.add`);
      const drop = c.strs(co.drop, `${p}.capabilities.drop`);
      sc.capabilities = { ...(add ? { add } : {}), ...(drop ? { drop } : {}) };
    }
    k.securityContext = sc;
  }
  if (o.resources != null) {
    const ro = c.obj(o.resources, `${path}.resources`);
    const r: NonNullable<KubeContainer['resources']> = {};
    const limits = c.map(ro.limits, `${path}.resources.limits`);
    if (limits) r.limits = limits;
    const requests = c.map(ro.requests, `${path}.resources.requests`);
    if (requests) r.requests = requests;
    k.resources = r;
  }
  if (o.stdin === true) k.stdin = true;
  if (o.tty === true) k.tty = true;
  if (o.livenessProbe != null) k.livenessProbe = probe(c, o.livenessProbe, `${path}.livenessProbe`);
  if (o.readinessProbe != null) k.readinessProbe = probe(c, o.readinessProbe, `${path}.readinessProbe`);
  return k;
}

function podSpec(c: Checker, v: Json, path: string): KubePodSpec {
  const o = c.obj(v, path);
  const containers = c.arr(o.containers, `${path}.containers`).map((x, i) => container(c, x, `${path}.containers[${i}]`));
  if (containers.length === 0) c.fail(`${path}.containers`, 'a pod needs at least one container');
  const s: KubePodSpec = { containers };
  if (o.initContainers != null) s.initContainers = c.arr(o.initContainers, `${path}.initContainers`).map((x, i) => container(c, x, `${path}.initContainers[${i}]`));
  if (o.volumes != null) {
    s.volumes = c.arr(o.volumes, `${path}.volumes`).map((x, i) => {
      const p = `${path}.volumes[${i}]`;
      const vo = c.obj(x, p);
      const out: KubeVolume = { name: c.str(vo.name, `${p}.name`) };
      if (vo.hostPath != null) {
        const h = c.obj(vo.hostPath, `${p}.hostPath`);
        out.hostPath = { path: c.str(h.path, `${p}.hostPath.path`), ...(h.type != null ? { type: c.str(h.type, `${p}.hostPath.type`) } : {}) };
      } else if (vo.persistentVolumeClaim != null) {
        const h = c.obj(vo.persistentVolumeClaim, `${p}.persistentVolumeClaim`);
        out.persistentVolumeClaim = { claimName: c.str(h.claimName, `${p}.persistentVolumeClaim.claimName`), ...(h.readOnly === true ? { readOnly: true } : {}) };
      } else if (vo.emptyDir !== undefined) {
        const h = vo.emptyDir === null ? {} : c.obj(vo.emptyDir, `${p}.emptyDir`);
        out.emptyDir = h.medium != null ? { medium: c.str(h.medium, `${p}.emptyDir.medium`) } : {};
      } else if (vo.configMap != null) {
        const h = c.obj(vo.configMap, `${p}.configMap`);
        out.configMap = { name: c.str(h.name, `${p}.configMap.name`), optional: h.optional === true };
        if (h.items != null) {
          out.configMap.items = c.arr(h.items, `${p}.configMap.items`).map((it, j) => {
            const io = c.obj(it, `${p}.configMap.items[${j}]`);
            return { key: c.str(io.key, `${p}.configMap.items[${j}].key`), path: c.str(io.path, `${p}.configMap.items[${j}].path`) };
          });
        }
      } else if (vo.secret != null) {
        const h = c.obj(vo.secret, `${p}.secret`);
        out.secret = { secretName: c.str(h.secretName, `${p}.secret.secretName`), optional: h.optional === true };
        if (h.items != null) {
          out.secret.items = c.arr(h.items, `${p}.secret.items`).map((it, j) => {
            const io = c.obj(it, `${p}.secret.items[${j}]`);
            return { key: c.str(io.key, `${p}.secret.items[${j}].key`), path: c.str(io.path, `${p}.secret.items[${j}].path`) };
          });
        }
      } else c.fail(p, 'unsupported volume type: supported are hostPath, persistentVolumeClaim, emptyDir, configMap and secret');
      return out;
    });
  }
  const rp = c.optStr(o.restartPolicy, `${path}.restartPolicy`);
  if (rp !== undefined) {
    if (!['Always', 'OnFailure', 'Never'].includes(rp)) c.fail(`${path}.restartPolicy`, `invalid restart policy ${JSON.stringify(rp)}: want Always, OnFailure or Never`);
    s.restartPolicy = rp;
  }
  const hn = c.optStr(o.hostname, `${path}.hostname`);
  if (hn !== undefined) s.hostname = hn;
  if (o.hostNetwork === true) s.hostNetwork = true;
  if (o.shareProcessNamespace === true) s.shareProcessNamespace = true;
  if (o.dnsConfig != null) {
    const p = `${path}.dnsConfig`;
    const d = c.obj(o.dnsConfig, p);
    const dns: NonNullable<KubePodSpec['dnsConfig']> = {};
    const ns = c.strs(d.nameservers, `${p}.nameservers`);
    if (ns) dns.nameservers = ns;
    const search = c.strs(d.searches, `${p}.searches`);
    if (search) dns.searches = search;
    if (d.options != null) {
      dns.options = c.arr(d.options, `${p}.options`).map((x, i) => {
        const xo = c.obj(x, `${p}.options[${i}]`);
        const value = c.optStr(xo.value, `${p}.options[${i}].value`);
        return { name: c.str(xo.name, `${p}.options[${i}].name`), ...(value !== undefined ? { value } : {}) };
      });
    }
    s.dnsConfig = dns;
  }
  if (o.securityContext != null) {
    const p = `${path}.securityContext`;
    const so = c.obj(o.securityContext, p);
    const sc: NonNullable<KubePodSpec['securityContext']> = {};
    if (so.runAsUser != null) sc.runAsUser = c.int(so.runAsUser, `${p}.runAsUser`);
    if (so.runAsGroup != null) sc.runAsGroup = c.int(so.runAsGroup, `${p}.runAsGroup`);
    if (so.supplementalGroups != null) sc.supplementalGroups = c.arr(so.supplementalGroups, `${p}.supplementalGroups`).map((g, i) => c.int(g, `${p}.supplementalGroups[${i}]`));
    if (so.sysctls != null) {
      sc.sysctls = c.arr(so.sysctls, `${p}.sysctls`).map((x, i) => {
        const xo = c.obj(x, `${p}.sysctls[${i}]`);
        return { name: c.str(xo.name, `${p}.sysctls[${i}].name`), value: c.str(xo.value, `${p}.sysctls[${i}].value`) };
      });
    }
    if (so.seLinuxOptions != null) sc.seLinuxOptions = so.seLinuxOptions;
    s.securityContext = sc;
  }
  if (o.hostAliases != null) {
    s.hostAliases = c.arr(o.hostAliases, `${path}.hostAliases`).map((x, i) => {
      const ho = c.obj(x, `${path}.hostAliases[${i}]`);
      return { ip: c.str(ho.ip, `${path}.hostAliases[${i}].ip`), hostnames: c.strs(ho.hostnames, `${path}.hostAliases[${i}].hostnames`) ?? [] };
    });
  }
  return s;
}

/** Every document of a kube YAML text that play acts on, in file order. */
export function parseKubeYaml(text: string, file: string): KubeDoc[] {
  const c = new Checker(file);
  const docs = parseAllDocuments(text, { merge: true });
  const out: KubeDoc[] = [];
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((d, n) => {
    const err = d.errors[0];
    if (err) {
      const at = err.linePos?.[0];
      throw new KubeYamlError(`${file}${at ? `:${at.line}:${at.col}` : ''}: ${err.message.split('\n')[0]}`);
    }
    const v: Json = d.toJS({ maxAliasCount: 1000 });
    if (v === null || v === undefined) return;
    const where = list.length > 1 ? `document ${n + 1}` : '';
    const root = c.obj(v, where || '(top level)');
    const kind = c.str(root.kind, where ? `${where}: kind` : 'kind');
    const p = (k: string) => (where ? `${where}: ${k}` : k);
    switch (kind) {
      case 'Pod':
        out.push({ kind, metadata: meta(c, root.metadata, p('metadata')), spec: podSpec(c, root.spec, p('spec')) });
        break;
      case 'Deployment': {
        const spec = c.obj(root.spec, p('spec'));
        const tpl = c.obj(spec.template, p('spec.template'));
        const replicas = spec.replicas == null ? 1 : c.int(spec.replicas, p('spec.replicas'));
        const tmeta = tpl.metadata == null ? {} : c.obj(tpl.metadata, p('spec.template.metadata'));
        const labels = c.map(tmeta.labels, p('spec.template.metadata.labels'));
        out.push({
          kind,
          metadata: meta(c, root.metadata, p('metadata')),
          spec: { replicas, template: { metadata: labels ? { labels } : {}, spec: podSpec(c, tpl.spec, p('spec.template.spec')) } },
        });
        break;
      }
      case 'DaemonSet': {
        // One node here: one pod (podman's NAME-pod).
        const spec = c.obj(root.spec, p('spec'));
        const tpl = c.obj(spec.template, p('spec.template'));
        const tmeta = tpl.metadata == null ? {} : c.obj(tpl.metadata, p('spec.template.metadata'));
        const labels = c.map(tmeta.labels, p('spec.template.metadata.labels'));
        out.push({ kind, metadata: meta(c, root.metadata, p('metadata')), spec: { template: { metadata: labels ? { labels } : {}, spec: podSpec(c, tpl.spec, p('spec.template.spec')) } } });
        break;
      }
      case 'Secret': {
        const data: Record<string, string> = {};
        for (const [k, v] of Object.entries(c.map(root.data, p('data')) ?? {})) {
          if (!/^[A-Za-z0-9+/\s]*={0,2}$/.test(v)) c.fail(p(`data.${k}`), 'must be base64');
          data[k] = Buffer.from(v, 'base64').toString('utf8');
        }
        Object.assign(data, c.map(root.stringData, p('stringData')) ?? {});
        out.push({ kind, metadata: meta(c, root.metadata, p('metadata')), data });
        break;
      }
      case 'PersistentVolumeClaim':
        out.push({ kind, metadata: meta(c, root.metadata, p('metadata')) });
        break;
      case 'ConfigMap':
        out.push({ kind, metadata: meta(c, root.metadata, p('metadata')), data: c.map(root.data, p('data')) ?? {} });
        break;
      default:
        // podman 4.3: "Kube kind X not supported" at info level, and goes on.
        break;
    }
  });
  if (!out.some((d) => d.kind === 'Pod' || d.kind === 'Deployment' || d.kind === 'DaemonSet' || d.kind === 'PersistentVolumeClaim')) {
    throw new KubeYamlError(`${file}: YAML document does not contain any supported kube kind`);
  }
  return out;
}
