// kube play's plan: the YAML's pods, containers and volumes as our own
// command lines (`pod create`, `create --pod`, `volume create`), built the
// way podman 4.3 maps them: pod `NAME` (a Deployment's replicas
// `NAME-pod-N`), containers `POD-CONTAINER`, command → --entrypoint, args
// → the command, hostPort → the pod's -p, restartPolicy → --restart
// (Always when absent), env and envFrom from ConfigMaps (the file's and
// --configmap's). Pure: the executor (kube-play.ts) runs the lines.

import { KubeYamlError, type KubeContainer, type KubeDoc, type KubePodSpec, type KubeProbe } from './kube-parse.js';

export interface PlayFlags {
  /** --network: the pods' network mode, or the named networks their infras join. */
  networks: readonly string[];
  logDriver?: string | undefined;
  noHosts: boolean;
  userns?: string | undefined;
  quiet: boolean;
  /** Registry flags passed to create (--authfile, --tls-verify=..., --creds, --cert-dir). */
  registryArgs: string[];
  /** --annotation KEY=VALUE: over the YAML's own, on every container. */
  annotations?: Record<string, string> | undefined;
  /** --ip, --mac-address: the Nth pod made gets the Nth value (podman's ipIndex). */
  ips?: readonly string[] | undefined;
  macs?: readonly string[] | undefined;
  /** --log-opt: every container's (driver=, path=, max-size=, tag=...). */
  logOpts?: readonly string[] | undefined;
  /** --seccomp-profile-root: where `localhost/NAME` seccomp annotations are found. */
  seccompProfileRoot?: string | undefined;
}

/** podman's default --seccomp-profile-root. */
export const DEFAULT_SECCOMP_ROOT = '/var/lib/kubelet/seccomp';

const SECCOMP_POD_KEY = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

/** seLinuxOptions as podman's SelinuxOpts: user, role, type, level (those given, in that order). Pure. */
export function selinuxLabels(o: unknown): string[] {
  if (o === null || typeof o !== 'object') return [];
  const r = o as Record<string, unknown>;
  return (['user', 'role', 'type', 'level'] as const).flatMap((k) => (typeof r[k] === 'string' && r[k] !== '' ? [`${k}:${r[k]}`] : []));
}

/** A seccomp annotation's value as a --security-opt (podman's verifySeccompPath); undefined = the default profile. */
function seccompOpt(value: string, root: string): string | undefined {
  if (value === 'runtime/default' || value === 'docker/default') return undefined;
  if (value === 'unconfined') return 'seccomp=unconfined';
  const parts = value.split('/');
  if (parts[0] === 'localhost' && parts[1]) return `seccomp=${root.replace(/\/+$/, '')}/${parts[1]}`;
  throw new KubeYamlError(`invalid seccomp path: ${value}`);
}

/** The pod's and each container's seccomp choice from its annotations (podman's InitializeSeccompPaths). */
function seccompPaths(annotations: Record<string, string>, root: string): { pod?: string | undefined; containers: Map<string, string | undefined> } {
  const containers = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(annotations)) {
    if (!k.startsWith(SECCOMP_CONTAINER_PREFIX.slice(0, -1))) continue;
    const rest = k.slice(SECCOMP_CONTAINER_PREFIX.length);
    if (!k.startsWith(SECCOMP_CONTAINER_PREFIX) || rest === '' || rest.includes('/')) throw new KubeYamlError(`invalid seccomp path: ${k.split('/')[0]!}`);
    containers.set(rest, seccompOpt(v, root));
  }
  const pod = annotations[SECCOMP_POD_KEY];
  return { pod: pod !== undefined ? seccompOpt(pod, root) : undefined, containers };
}

/** The per-pod context of a container's lines. */
interface PodContext {
  facts: PodFacts;
  annotations: Record<string, string>;
  seccomp: ReturnType<typeof seccompPaths>;
  /** What the pod's init containers are (podman's io.podman.annotations.init.container.type, default once). */
  initType: string;
}

/** podman 4.3's limit on an annotation's value (define.MaxKubeAnnotation): kube play refuses longer ones. */
export const MAX_KUBE_ANNOTATION = 63;

/** podman 4.3's pod annotation that makes kube play's init containers `always` ones. */
export const INIT_TYPE_ANNOTATION = 'io.podman.annotations.init.container.type';

export interface HostPathCheck {
  path: string;
  type: string;
}

/** A volume play fills before the containers use it (configMap volumes). */
export interface FilledVolume {
  name: string;
  files: Record<string, string>;
}

export interface PlannedContainer {
  name: string;
  /** `create` arguments (without `create`). */
  args: string[];
}

export interface PlannedPod {
  name: string;
  /** `pod create` arguments (without `pod create`). */
  podArgs: string[];
  inits: PlannedContainer[];
  containers: PlannedContainer[];
}

/** A key of a Secret document, stored as a tsc-run secret for the containers that mount it. */
export interface PlannedSecret {
  name: string;
  value: string;
}

export interface KubePlan {
  /** Named volumes to exist first (PVCs, emptyDirs, configMap volumes). */
  volumes: string[];
  /** tsc-run secrets to (re)create first (secret volumes). */
  secrets: PlannedSecret[];
  filled: FilledVolume[];
  hostPaths: HostPathCheck[];
  pods: PlannedPod[];
  /** Notes for stderr (what is ignored, e.g. seLinuxOptions). */
  notes: string[];
}

type ConfigMaps = Map<string, Record<string, string>>;

/** The tsc-run secret that holds one key of a Secret document (kube down removes it). */
export function secretKeyName(secret: string, key: string): string {
  return `${secret}-${key}`;
}

/** k8s quantities for memory (Ki, Mi, Gi, k, M, G, plain bytes) → bytes. */
export function memoryBytes(q: string | number): string {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|K|M|G|T)?$/.exec(String(q).trim());
  if (!m) throw new KubeYamlError(`invalid memory quantity ${JSON.stringify(q)}`);
  const f: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return String(Math.round(Number(m[1]) * (m[2] ? f[m[2]]! : 1)));
}

/** k8s cpu quantities (`500m`, `2`, `0.5`) → --cpus. */
export function cpus(q: string | number): string {
  const s = String(q).trim();
  const m = /^(\d+)m$/.exec(s);
  if (m) return String(Number(m[1]) / 1000);
  if (!/^\d+(\.\d+)?$/.test(s)) throw new KubeYamlError(`invalid cpu quantity ${JSON.stringify(q)}`);
  return s;
}

/** The pod facts env's fieldRef reads. */
interface PodFacts {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** valueFrom.fieldRef, podman's envVarValueFieldRef (metadata.uid, the pod's id, is not known before the pod is made). */
function fieldRefValue(env: string, fieldPath: string, pod: PodFacts): string {
  if (fieldPath === 'metadata.name') return pod.name;
  const label = /^metadata\.labels\['(.+)'\]$/.exec(fieldPath);
  if (label) return pod.labels[label[1]!] ?? '';
  const annotation = /^metadata\.annotations\['(.+)'\]$/.exec(fieldPath);
  if (annotation) return pod.annotations[annotation[1]!] ?? '';
  if (fieldPath === 'metadata.uid') throw new KubeYamlError(`can not set env ${env}: fieldPath metadata.uid (the pod's id) is not supported by tsc-run's kube play`);
  throw new KubeYamlError(`can not set env ${env}. Reason: fieldPath ${fieldPath} is either not valid or not supported`);
}

/** valueFrom.resourceFieldRef, podman's envVarValueResourceFieldRef: the container's limit or request over the divisor, rounded up. */
function resourceFieldValue(env: string, ref: { resource: string; divisor?: string | undefined }, c: KubeContainer): string {
  const [kind, what] = ref.resource.split('.') as [string, string | undefined];
  const q = kind === 'limits' ? c.resources?.limits?.[what ?? ''] : kind === 'requests' ? c.resources?.requests?.[what ?? ''] : undefined;
  if ((kind !== 'limits' && kind !== 'requests') || (what !== 'memory' && what !== 'cpu')) {
    throw new KubeYamlError(`can not set env ${env}. Reason: resource ${ref.resource} is either not valid or not supported`);
  }
  const value = q === undefined ? 0 : what === 'memory' ? Number(memoryBytes(q)) : Number(cpus(q));
  let divisor = 1;
  try {
    if (ref.divisor !== undefined) divisor = what === 'memory' ? Number(memoryBytes(ref.divisor)) : Number(cpus(ref.divisor));
  } catch {
    divisor = 0;
  }
  if (!(divisor > 0)) throw new KubeYamlError(`can not set env ${env}. Reason: divisor value ${ref.divisor ?? ''} is not valid`);
  return String(Math.ceil(value / divisor));
}

/** env and envFrom, from ConfigMaps and Secrets (a Secret's value is in the container's env, as podman puts it), the pod's fields, the container's resources. */
function envOf(c: KubeContainer, cms: ConfigMaps, secrets: ConfigMaps, where: string, pod: PodFacts): string[] {
  const out: string[] = [];
  for (const from of c.envFrom ?? []) {
    const ref = (from.configMapRef ?? from.secretRef)!;
    const what = from.configMapRef ? 'configmap' : 'secret';
    const data = (from.configMapRef ? cms : secrets).get(ref.name);
    if (!data) {
      if (ref.optional) continue;
      throw new KubeYamlError(`${where}: ${what} ${JSON.stringify(ref.name)} not found`);
    }
    for (const [k, v] of Object.entries(data)) out.push(`${from.prefix ?? ''}${k}=${v}`);
  }
  for (const e of c.env ?? []) {
    if (e.valueFrom?.fieldRef) {
      out.push(`${e.name}=${fieldRefValue(e.name, e.valueFrom.fieldRef.fieldPath, pod)}`);
      continue;
    }
    if (e.valueFrom?.resourceFieldRef) {
      out.push(`${e.name}=${resourceFieldValue(e.name, e.valueFrom.resourceFieldRef, c)}`);
      continue;
    }
    const ref = e.valueFrom?.configMapKeyRef ?? e.valueFrom?.secretKeyRef;
    if (ref) {
      const what = e.valueFrom?.configMapKeyRef ? 'configmap' : 'secret';
      const v = (e.valueFrom?.configMapKeyRef ? cms : secrets).get(ref.name)?.[ref.key];
      if (v === undefined) {
        if (ref.optional) continue;
        throw new KubeYamlError(`${where}: env ${e.name}: key ${JSON.stringify(ref.key)} of ${what} ${JSON.stringify(ref.name)} not found`);
      }
      out.push(`${e.name}=${v}`);
    } else out.push(`${e.name}=${e.value ?? ''}`);
  }
  return out;
}

/** The keys a configMap/secret volume projects: its items, or every key (paths relative, without ..). */
function projected(volume: string, items: Array<{ key: string; path: string }> | undefined, data: Record<string, string> | undefined): Array<{ key: string; path: string }> {
  const out = items ?? Object.keys(data ?? {}).map((k) => ({ key: k, path: k }));
  for (const it of out) {
    if (it.path.includes('..') || it.path.startsWith('/')) throw new KubeYamlError(`volume ${volume}: item path ${JSON.stringify(it.path)} must be relative, without ..`);
  }
  return out.filter((it) => data?.[it.key] !== undefined);
}

/**
 * A probe as our healthcheck flags, podman 4.3's mapping: exec's command,
 * httpGet as `curl -f`, tcpSocket as `nc -z -v`, each `|| exit 1`; period →
 * interval (default 10s), failureThreshold → retries (3), timeoutSeconds
 * (1), initialDelaySeconds → start period. A liveness probe restarts the
 * container when the pod's policy restarts (Always, OnFailure); a readiness
 * probe (which podman 4.3 ignores) only reports health.
 */
export function probeFlags(p: KubeProbe, restartOnFailure: boolean): string[] {
  let cmd: string;
  if (p.exec) cmd = p.exec.command.join(' ');
  else if (p.httpGet) cmd = `curl -f ${(p.httpGet.scheme ?? 'HTTP').toLowerCase()}://${p.httpGet.host ?? 'localhost'}:${p.httpGet.port}${p.httpGet.path ?? '/'}`;
  else cmd = `nc -z -v ${p.tcpSocket!.host || 'localhost'} ${p.tcpSocket!.port}`;
  const pos = (n: number | undefined, d: number) => (n !== undefined && n >= 1 ? n : d);
  const out = [
    '--health-cmd', `${cmd} || exit 1`,
    '--health-interval', `${pos(p.periodSeconds, 10)}s`,
    '--health-retries', String(pos(p.failureThreshold, 3)),
    '--health-timeout', `${pos(p.timeoutSeconds, 1)}s`,
    '--health-start-period', `${Math.max(0, p.initialDelaySeconds ?? 0)}s`,
  ];
  if (restartOnFailure) out.push('--health-on-failure', 'restart');
  return out;
}

const RESTART: Record<string, string> = { Always: 'always', OnFailure: 'on-failure', Never: 'no' };

function containerArgs(pod: string, spec: KubePodSpec, c: KubeContainer, cms: ConfigMaps, secrets: ConfigMaps, f: PlayFlags, plan: KubePlan, init: boolean, ctx: PodContext): PlannedContainer {
  const name = `${pod}-${c.name}`;
  const a: string[] = ['--pod', pod, '--name', name];
  if (f.quiet) a.push('-q');
  a.push(...f.registryArgs);
  // The pod's annotations (and --annotation's) are every container's, as podman gives them.
  for (const [k, v] of Object.entries(ctx.annotations)) a.push('--annotation', `${k}=${v}`);
  const seccomp = ctx.seccomp.containers.has(c.name) ? ctx.seccomp.containers.get(c.name) : ctx.seccomp.pod;
  if (seccomp !== undefined) a.push('--security-opt', seccomp);
  for (const e of envOf(c, cms, secrets, `container ${c.name}`, ctx.facts)) a.push('--env', e);
  if (c.workingDir) a.push('--workdir', c.workingDir);
  if (c.command) a.push('--entrypoint', JSON.stringify(c.command));
  if (c.stdin) a.push('-i');
  if (c.tty) a.push('-t');
  if (f.logDriver) a.push('--log-driver', f.logDriver);
  for (const o of f.logOpts ?? []) a.push('--log-opt', o);
  if (!init) a.push('--restart', RESTART[spec.restartPolicy ?? 'Always']!);
  else {
    if (c.livenessProbe ?? c.readinessProbe) throw new KubeYamlError('cannot create an init container that has either of lifecycle, livenessProbe, readinessProbe, or startupProbe set');
    a.push('--init-ctr', ctx.initType);
  }
  const sc = c.securityContext;
  const psc = spec.securityContext;
  // The container's runAsUser/runAsGroup, else the pod's; a group alone runs as user 0 (podman's setupSecurityContext).
  const user = sc?.runAsUser ?? psc?.runAsUser;
  const group = sc?.runAsGroup ?? psc?.runAsGroup;
  if (user !== undefined || group !== undefined) a.push('--user', group !== undefined ? `${user ?? 0}:${group}` : String(user));
  for (const g of psc?.supplementalGroups ?? []) a.push('--group-add', String(g));
  if (sc) {
    if (sc.allowPrivilegeEscalation === false) a.push('--security-opt', 'no-new-privileges');
    if (sc.privileged) a.push('--privileged');
    if (sc.readOnlyRootFilesystem) a.push('--read-only');
    for (const cap of sc.capabilities?.add ?? []) a.push('--cap-add', cap);
    for (const cap of sc.capabilities?.drop ?? []) a.push('--cap-drop', cap);
  }
  // podman's setupSecurityContext: the container's seLinuxOptions, else the pod's, as label= options (run takes
  // them as podman does where SELinux is off: accepted, no label to apply).
  for (const l of selinuxLabels(sc?.seLinuxOptions ?? psc?.seLinuxOptions)) a.push('--security-opt', `label=${l}`);
  if (!init && (c.livenessProbe ?? c.readinessProbe)) {
    const policy = spec.restartPolicy ?? 'Always';
    if (c.livenessProbe) {
      a.push(...probeFlags(c.livenessProbe, policy === 'Always' || policy === 'OnFailure'));
      if (c.readinessProbe) plan.notes.push(`container ${c.name}: readinessProbe ignored (one healthcheck per container: the livenessProbe is used)`);
    } else a.push(...probeFlags(c.readinessProbe!, false));
  }
  const limits = c.resources?.limits ?? {};
  if (limits.memory !== undefined) a.push('--memory', memoryBytes(limits.memory));
  if (limits.cpu !== undefined) a.push('--cpus', cpus(limits.cpu));
  const requests = c.resources?.requests ?? {};
  if (requests.memory !== undefined) a.push('--memory-reservation', memoryBytes(requests.memory));
  for (const m of c.volumeMounts ?? []) {
    const v = (spec.volumes ?? []).find((x) => x.name === m.name);
    if (!v) throw new KubeYamlError(`container ${c.name}: volumeMounts ${m.name}: no volume of that name in the pod`);
    if (m.subPath) throw new KubeYamlError(`container ${c.name}: volumeMounts ${m.name}: subPath is not supported`);
    const ro = m.readOnly ? ':ro' : '';
    if (v.hostPath) a.push('--volume', `${v.hostPath.path}:${m.mountPath}${ro}`);
    else if (v.persistentVolumeClaim) a.push('--volume', `${v.persistentVolumeClaim.claimName}:${m.mountPath}${ro || (v.persistentVolumeClaim.readOnly ? ':ro' : '')}`);
    else if (v.emptyDir?.medium === 'Memory') a.push('--tmpfs', m.mountPath);
    else if (v.emptyDir) a.push('--volume', `${pod}-${v.name}:${m.mountPath}${ro}`);
    else if (v.configMap) a.push('--volume', `${pod}-${v.name}:${m.mountPath}:ro`);
    else if (v.secret) {
      // Each key a read-only file of the tsc-run secret that holds it.
      const data = secrets.get(v.secret.secretName);
      for (const it of projected(v.name, v.secret.items, data)) a.push('--secret', `${secretKeyName(v.secret.secretName, it.key)},target=${m.mountPath.replace(/\/+$/, '')}/${it.path}`);
    }
  }
  a.push(c.image, ...(c.args ?? []));
  return { name, args: a };
}

/** podman's network modes; any other --network value is a named (bridge) network. */
const NETWORK_MODES = ['pasta', 'slirp4netns', 'host', 'none', 'private'];

function isBridge(networks: readonly string[]): boolean {
  return networks.length > 0 && networks.every((n) => !NETWORK_MODES.includes(n.split(':')[0]!) && !n.startsWith('ns:') && !n.startsWith('container:'));
}

/** --ip/--mac-address for the pod numbered `index` (podman's rules and messages). */
function staticAddress(f: PlayFlags, index: number, hostNetwork: boolean, plan: KubePlan): string[] {
  const out: string[] = [];
  const check = (what: string, values: readonly string[] | undefined, flag: string) => {
    if (!values?.length) return;
    if (values.length <= index) {
      plan.notes.push(`No more static ${what}s left using a random one`);
      return;
    }
    if (hostNetwork || !isBridge(f.networks)) throw new KubeYamlError(`static ${what === 'ip' ? 'ip addresses' : 'mac address'} can only be set when the network mode is bridge: invalid argument`);
    if (f.networks.length !== 1) {
      throw new KubeYamlError(`cannot set static ${what === 'ip' ? 'ip addresses' : 'mac address'} for more than network, use netname:${what}=<${what}> syntax to specify ${what}s for more than network: invalid argument`);
    }
    out.push(flag, values[index]!);
  };
  check('ip', f.ips, '--ip');
  check('mac', f.macs, '--mac-address');
  return out;
}

function planPod(name: string, meta: { labels: Record<string, string>; annotations: Record<string, string> }, spec: KubePodSpec, cms: ConfigMaps, secrets: ConfigMaps, f: PlayFlags, plan: KubePlan): PlannedPod {
  // podman 4.3's kube play makes every pod with exit policy stop.
  const podArgs: string[] = ['--name', name, '--exit-policy', 'stop'];
  for (const [k, v] of Object.entries(meta.labels)) podArgs.push('--label', `${k}=${v}`);
  // podman's kube play sets the pod's hostname, its name unless the YAML gives one (pod inspect shows it).
  podArgs.push('--hostname', spec.hostname || name);
  if (spec.hostNetwork) podArgs.push('--network', 'host');
  else for (const n of f.networks) podArgs.push('--network', n);
  podArgs.push(...staticAddress(f, plan.pods.length, spec.hostNetwork === true, plan));
  const annotations = { ...meta.annotations, ...(f.annotations ?? {}) };
  const initType = annotations[INIT_TYPE_ANNOTATION] || 'once';
  if (initType !== 'once' && initType !== 'always') throw new KubeYamlError(`${initType} is invalid init container type`);
  const ctx: PodContext = { facts: { name, labels: meta.labels, annotations }, annotations, seccomp: seccompPaths(annotations, f.seccompProfileRoot ?? DEFAULT_SECCOMP_ROOT), initType };
  for (const sy of spec.securityContext?.sysctls ?? []) podArgs.push('--sysctl', `${sy.name}=${sy.value}`);
  if (f.noHosts) podArgs.push('--no-hosts');
  if (f.userns) podArgs.push('--userns', f.userns);
  if (spec.hostAliases?.length && f.noHosts) throw new KubeYamlError('HostAliases in yaml file will not work with --no-hosts');
  // podman 4.3: one --add-host per name.
  for (const h of spec.hostAliases ?? []) for (const n of h.hostnames) podArgs.push('--add-host', `${n}:${h.ip}`);
  if (spec.shareProcessNamespace) podArgs.push('--share', '+pid');
  for (const d of spec.dnsConfig?.nameservers ?? []) podArgs.push('--dns', d);
  for (const d of spec.dnsConfig?.searches ?? []) podArgs.push('--dns-search', d);
  for (const o of spec.dnsConfig?.options ?? []) podArgs.push('--dns-option', o.value !== undefined ? `${o.name}:${o.value}` : o.name);
  for (const c of [...spec.containers]) {
    for (const p of c.ports ?? []) {
      if (spec.hostNetwork) continue;
      // podman 4.3's getPodPorts: a containerPort without hostPort is published on the same host port.
      const hostPort = p.hostPort ?? p.containerPort;
      const proto = (p.protocol ?? 'TCP').toLowerCase();
      podArgs.push('--publish', `${p.hostIP ? `${p.hostIP}:` : ''}${hostPort}:${p.containerPort}/${proto}`);
    }
  }
  for (const v of spec.volumes ?? []) {
    if (v.hostPath) plan.hostPaths.push({ path: v.hostPath.path, type: v.hostPath.type ?? '' });
    if (v.persistentVolumeClaim && !plan.volumes.includes(v.persistentVolumeClaim.claimName)) plan.volumes.push(v.persistentVolumeClaim.claimName);
    if (v.emptyDir && v.emptyDir.medium !== 'Memory') plan.volumes.push(`${name}-${v.name}`);
    if (v.configMap) {
      const data = cms.get(v.configMap.name);
      if (!data && !v.configMap.optional) throw new KubeYamlError(`volume ${v.name}: configmap ${JSON.stringify(v.configMap.name)} not found`);
      const files: Record<string, string> = {};
      for (const it of projected(v.name, v.configMap.items, data)) files[it.path] = data![it.key]!;
      plan.volumes.push(`${name}-${v.name}`);
      plan.filled.push({ name: `${name}-${v.name}`, files });
    }
    if (v.secret) {
      const data = secrets.get(v.secret.secretName);
      if (!data && !v.secret.optional) throw new KubeYamlError(`volume ${v.name}: secret ${JSON.stringify(v.secret.secretName)} not found`);
      for (const it of projected(v.name, v.secret.items, data)) {
        const sn = secretKeyName(v.secret.secretName, it.key);
        if (!plan.secrets.some((x) => x.name === sn)) plan.secrets.push({ name: sn, value: data![it.key]! });
      }
    }
  }
  return {
    name,
    podArgs,
    inits: (spec.initContainers ?? []).map((c) => containerArgs(name, spec, c, cms, secrets, f, plan, true, ctx)),
    containers: spec.containers.map((c) => containerArgs(name, spec, c, cms, secrets, f, plan, false, ctx)),
  };
}

/** The pod names a file makes (kube down, --replace). */
export function podNames(docs: readonly KubeDoc[]): string[] {
  const out: string[] = [];
  for (const d of docs) {
    if (d.kind === 'Pod') out.push(d.metadata.name);
    if (d.kind === 'Deployment') for (let i = 0; i < (d.spec.replicas ?? 1); i++) out.push(`${d.metadata.name}-pod-${i}`);
    if (d.kind === 'DaemonSet') out.push(`${d.metadata.name}-pod`);
  }
  return out;
}

/** The tsc-run secrets a file's Secret documents make (kube down removes them). */
export function secretNames(docs: readonly KubeDoc[]): string[] {
  return docs.flatMap((d) => (d.kind === 'Secret' ? Object.keys(d.data).map((k) => secretKeyName(d.metadata.name, k)) : []));
}

export function planKube(docs: readonly KubeDoc[], extraConfigMaps: readonly KubeDoc[], f: PlayFlags): KubePlan {
  const cms: ConfigMaps = new Map();
  for (const d of [...extraConfigMaps, ...docs]) if (d.kind === 'ConfigMap') cms.set(d.metadata.name, d.data);
  const secrets: ConfigMaps = new Map();
  for (const d of docs) if (d.kind === 'Secret') secrets.set(d.metadata.name, d.data);
  const plan: KubePlan = { volumes: [], secrets: [], filled: [], hostPaths: [], pods: [], notes: [] };
  for (const d of docs) {
    if (d.kind === 'PersistentVolumeClaim' && !plan.volumes.includes(d.metadata.name)) plan.volumes.push(d.metadata.name);
  }
  for (const d of docs) {
    if (d.kind === 'Pod') {
      // podman 4.3 checks a Pod's own annotations against its 63-character limit (MaxKubeAnnotation).
      for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
        if (v.length > MAX_KUBE_ANNOTATION) throw new KubeYamlError(`invalid annotation ${JSON.stringify(k)}=${JSON.stringify(v)} value length exceeds Kubernetetes max ${MAX_KUBE_ANNOTATION}`);
      }
    }
    if (d.kind === 'Pod') plan.pods.push(planPod(d.metadata.name, { labels: d.metadata.labels ?? {}, annotations: d.metadata.annotations ?? {} }, d.spec, cms, secrets, f, plan));
    // A Deployment's (DaemonSet's) pods: the template's labels, the Deployment's own annotations (podman's).
    if (d.kind === 'Deployment') {
      const m = { labels: { ...(d.spec.template.metadata?.labels ?? {}) }, annotations: d.metadata.annotations ?? {} };
      for (let i = 0; i < (d.spec.replicas ?? 1); i++) plan.pods.push(planPod(`${d.metadata.name}-pod-${i}`, m, d.spec.template.spec, cms, secrets, f, plan));
    }
    if (d.kind === 'DaemonSet') {
      plan.pods.push(planPod(`${d.metadata.name}-pod`, { labels: { ...(d.spec.template.metadata?.labels ?? {}) }, annotations: d.metadata.annotations ?? {} }, d.spec.template.spec, cms, secrets, f, plan));
    }
  }
  return plan;
}
