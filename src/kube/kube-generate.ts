// kube generate: a pod (or containers, each becoming a pod `NAME-pod`) as
// Kubernetes YAML that kube play (ours and podman's) reads back: a Pod (or a
// Deployment with --type deployment), a Service with -s for published
// ports. Containers' entrypoint → command, cmd → args, user env (not the
// engine's defaults), working dir, ports (from the infra, on the first
// container), named volumes → persistentVolumeClaim, binds → hostPath,
// tmpfs → emptyDir Memory, capabilities relative to the set a Kubernetes
// runtime gives (podman's), privileged, read-only root (with the tmpfs
// /tmp, /var/tmp, /run it has here), runAsUser/Group, restart policy,
// labels, annotations, hostname.
// `toKube` is pure; the records come from the stores.

import { Scalar, stringify } from 'yaml';
import type { ContainerRecord } from '../storage/containers.js';
import type { VolumeRecord } from '../storage/volume-types.js';
import { VERSION } from '../version.js';

export interface GenContainer {
  rec: ContainerRecord;
  /** The bounding set (security.json), for capabilities add/drop. */
  bounding?: string[] | undefined;
  privileged: boolean;
  readOnlyRoot: boolean;
  /** What each bind mount's source is on the host now (podman's hostPath type); absent: missing. */
  bindKinds?: Record<string, 'Directory' | 'File'> | undefined;
  /** A pod member's sandbox: its pod's infra container id, or the pod's id when it has none (podman's SandboxID annotation). */
  sandboxId?: string | undefined;
}

export interface GenPod {
  name: string;
  hostname?: string | undefined;
  labels: Record<string, string>;
  /** Ports the pod publishes (the infra's, or a lone container's). */
  ports: NonNullable<ContainerRecord['config']['ports']>;
  containers: GenContainer[];
  /** Generated from a pod (podman writes its v1.Pod as it is: `resources: {}` on each container, `status: {}`), not a lone container. */
  fromPod?: boolean;
  /** A pod that shares ipc, net and uts as Kubernetes pods do (podman adds a NOTE to the file otherwise). */
  kubeNamespaces?: boolean;
  /** Containers named together (one pod of them): each keeps its own ports. */
  portsPerContainer?: boolean;
  /** The pod's infra settings podman writes into the spec: --add-host, --dns*, --network host, --share pid. */
  infra?: { addHosts?: string[] | undefined; dns?: string[] | undefined; dnsSearch?: string[] | undefined; dnsOptions?: string[] | undefined; hostNetwork?: boolean; sharePid?: boolean } | undefined;
}

/**
 * The capabilities a Kubernetes runtime gives a container (the OCI runtime
 * tools' default set, which podman's kube generate compares with): what a
 * container here lacks of them is dropped in the YAML, so a cluster runs it
 * with no more than it has here (CAP_MKNOD, CAP_NET_RAW, CAP_AUDIT_WRITE
 * for our defaults, as podman writes).
 */
const KUBE_DEFAULT_CAPS: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];
/** --read-only's tmpfs (--read-only-tmpfs, the default): writable here, so emptyDirs in the YAML (podman lists them too). */
const READ_ONLY_TMPFS = ['/tmp', '/var/tmp', '/run'];
const ENGINE_ENV = new Set(['PATH', 'TERM', 'container', 'HOME', 'HOSTNAME']);
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function userEnv(env: readonly string[]): Array<{ name: string; value: string }> {
  const out: Array<{ name: string; value: string }> = [];
  for (const kv of env) {
    const i = kv.indexOf('=');
    const k = kv.slice(0, i);
    const v = kv.slice(i + 1);
    if (ENGINE_ENV.has(k) && (k !== 'PATH' || v === DEFAULT_PATH)) continue;
    out.push({ name: k, value: v });
  }
  return out;
}

/** A DNS-1123 name for a volume from a host path (podman: `path-host-N`). */
function hostPathName(p: string, i: number): string {
  const base = p.replace(/^\/+/, '').replace(/[^a-z0-9-]+/gi, '-').toLowerCase().replace(/^-+|-+$/g, '') || 'root';
  return `${base}-host-${i}`;
}

function restartPolicy(rec: ContainerRecord): string {
  const p = rec.config.restartPolicy?.name;
  return p === 'always' || p === 'unless-stopped' ? 'Always' : p === 'on-failure' ? 'OnFailure' : 'Never';
}

/** The container's name in the YAML: a kube-played pod's `POD-NAME` gives NAME back. */
function kubeName(g: GenContainer, podName: string): string {
  const name = g.rec.name.startsWith(`${podName}-`) ? g.rec.name.slice(podName.length + 1) : g.rec.name;
  // Kubernetes names have no underscores; podman drops them.
  return name.replace(/_/g, '');
}

function containerSpec(g: GenContainer, podName: string, volumes: Array<Record<string, unknown>>, ports: GenPod['ports'] | undefined, asPod: boolean): Record<string, unknown> {
  const c = g.rec.config;
  const name = kubeName(g, podName);
  const out: Record<string, unknown> = { name, image: g.rec.imageName };
  // podman's: the entrypoint as command and the rest as args; without an entrypoint, the command line as command.
  if (c.entrypoint.length) {
    out.command = [...c.entrypoint];
    if (c.cmd.length) out.args = [...c.cmd];
  } else if (c.cmd.length) out.command = [...c.cmd];
  const env = userEnv(c.env);
  if (env.length) out.env = env;
  if (c.workingDir && c.workingDir !== '/') out.workingDir = c.workingDir;
  if (ports?.length) {
    out.ports = ports.flatMap((p) =>
      Array.from({ length: p.range ?? 1 }, (_, i) => ({
        containerPort: p.containerPort + i,
        hostPort: p.hostPort + i,
        ...(p.hostIP ? { hostIP: p.hostIP } : {}),
        ...(p.protocol && p.protocol !== 'tcp' ? { protocol: p.protocol.toUpperCase() } : {}),
      })),
    );
  }
  const mounts: Array<Record<string, unknown>> = [];
  for (const m of c.mounts ?? []) {
    const ro = !m.options.includes('rw') && m.options.includes('ro');
    let vname: string;
    if (m.type === 'volume') {
      if (m.anonymous) continue;
      vname = `${m.name}-pvc`;
      if (!volumes.some((v) => v.name === vname)) volumes.push({ name: vname, persistentVolumeClaim: { claimName: m.name } });
    } else if (m.type === 'bind') {
      const existing = volumes.find((v) => (v.hostPath as { path?: string } | undefined)?.path === m.source);
      vname = existing ? String(existing.name) : hostPathName(m.source, volumes.length);
      // podman's types: what is there now, else DirectoryOrCreate.
      if (!existing) volumes.push({ name: vname, hostPath: { path: m.source, type: g.bindKinds?.[m.source] ?? 'DirectoryOrCreate' } });
    } else {
      vname = `${name}-tmpfs-${volumes.length}`;
      volumes.push({ name: vname, emptyDir: { medium: 'Memory' } });
    }
    mounts.push({ mountPath: m.destination, name: vname, ...(ro ? { readOnly: true } : {}) });
  }
  if (g.readOnlyRoot && c.readOnlyTmpfs !== false) {
    for (const dest of READ_ONLY_TMPFS.filter((d) => !mounts.some((m) => m.mountPath === d))) {
      const vname = `${name}-tmpfs-${volumes.length}`;
      volumes.push({ name: vname, emptyDir: { medium: 'Memory' } });
      mounts.push({ mountPath: dest, name: vname });
    }
  }
  if (mounts.length) out.volumeMounts = mounts;
  const sc: Record<string, unknown> = {};
  if (g.bounding) {
    const have = new Set(g.bounding);
    const add = [...have].filter((x) => !KUBE_DEFAULT_CAPS.includes(x)).sort();
    const drop = KUBE_DEFAULT_CAPS.filter((x) => !have.has(x));
    if (!g.privileged && (add.length || drop.length)) sc.capabilities = { ...(add.length ? { add } : {}), ...(drop.length ? { drop } : {}) };
  }
  if (g.privileged) sc.privileged = true;
  if (g.readOnlyRoot) sc.readOnlyRootFilesystem = true;
  if (/^\d+$/.test(c.user.split(':')[0] ?? '') && c.user !== '') {
    const [u, gr] = c.user.split(':');
    sc.runAsUser = Number(u);
    if (gr !== undefined && /^\d+$/.test(gr)) sc.runAsGroup = Number(gr);
  }
  if (Object.keys(sc).length) out.securityContext = sc;
  if (c.resources?.memory !== undefined || c.resources?.cpus !== undefined) {
    out.resources = {
      limits: { ...(c.resources.memory !== undefined ? { memory: String(c.resources.memory) } : {}), ...(c.resources.cpus !== undefined ? { cpu: String(c.resources.cpus) } : {}) },
    };
  } else if (asPod) out.resources = {};
  if (c.stdin) out.stdin = true;
  if (c.tty) out.tty = true;
  return out;
}

function podSpec(p: GenPod): Record<string, unknown> {
  const volumes: Array<Record<string, unknown>> = [];
  // Init containers (create --init-ctr) become initContainers, in creation order, as podman's;
  // the pod's ports go to the first other container (to the init container when it is alone).
  const isInit = (g: GenContainer) => g.rec.config.initContainerType !== undefined;
  const regular = p.containers.filter((g) => !isInit(g));
  const portsOn = regular[0] ?? p.containers[0];
  const portsOf = (g: GenContainer) => (p.portsPerContainer ? g.rec.config.ports : g === portsOn ? p.ports : undefined);
  const spec0 = (g: GenContainer) => containerSpec(g, p.name, volumes, portsOf(g), p.fromPod === true);
  const initContainers = p.containers.filter(isInit).map(spec0);
  const containers = regular.map(spec0);
  // podman's: no service account token and no service environment variables in a cluster (podman gives neither).
  const spec: Record<string, unknown> = { automountServiceAccountToken: false, containers, enableServiceLinks: false };
  if (initContainers.length) spec.initContainers = initContainers;
  if (p.hostname) spec.hostname = p.hostname;
  const first = regular[0] ?? p.containers[0];
  // podman sets it from a pod's first member; its pod of named containers has none.
  if (first && p.fromPod) spec.restartPolicy = restartPolicy(first.rec);
  if (volumes.length) spec.volumes = volumes;
  const infra = p.infra;
  if (infra) {
    // podman's kube generate of a pod: its infra's name resolution and namespaces, in v1.PodSpec's terms.
    const dnsConfig = {
      ...(infra.dns?.length ? { nameservers: infra.dns } : {}),
      ...(infra.dnsOptions?.length ? { options: infra.dnsOptions.map((o) => { const i = o.indexOf(':'); return i < 0 ? { name: o } : { name: o.slice(0, i), value: o.slice(i + 1) }; }) } : {}),
      ...(infra.dnsSearch?.length ? { searches: infra.dnsSearch } : {}),
    };
    if (Object.keys(dnsConfig).length) spec.dnsConfig = dnsConfig;
    if (infra.addHosts?.length) {
      spec.hostAliases = infra.addHosts.map((h) => { const i = h.indexOf(':'); return { hostnames: [h.slice(0, i)], ip: h.slice(i + 1) }; });
    }
    if (infra.hostNetwork) spec.hostNetwork = true;
    if (infra.sharePid) spec.shareProcessNamespace = true;
  }
  return spec;
}

export interface GenerateOptions {
  service: boolean;
  type: 'pod' | 'deployment';
  replicas: number;
  /** Told of each annotation value cut to Kubernetes' limit (podman logs a warning for each). */
  warn?: (msg: string) => void;
  /** A service port's NodePort (podman's: random in 30000-32767); tests fix it. */
  nodePort?: () => number;
}

/**
 * The containers' annotations as pod annotations: one every container has
 * stays as it is (kube play gives it to every container again), another is
 * `KEY/CONTAINER` (podman's spelling for a container's own).
 */
function podAnnotations(p: GenPod, warn: (msg: string) => void): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  const all = p.containers.map((g) => Object.fromEntries(Object.entries(g.rec.config.annotations ?? {}).filter(([k]) => !RECORDED.has(k))));
  for (const [i, a] of all.entries()) {
    for (const [k, v] of Object.entries(a)) {
      if (all.every((o) => o[k] === v)) out[k] = v;
      else out[`${k}/${kubeName(p.containers[i]!, p.name)}`] = v;
    }
  }
  // The annotations podman gives every container's spec, under its full name (libpod/kube.go: KEY/NAME, underscores dropped).
  for (const g of p.containers) Object.assign(out, runtimeAnnotations(g));
  // Go writes a map's keys sorted (as sigs.k8s.io/yaml, which toKube's stringify does for every map).
  const sorted = Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, truncateKubeAnnotation(v, warn)]));
  return Object.keys(sorted).length ? sorted : undefined;
}

/** Kubernetes' limit on an annotation value that kube play checks (podman's MaxKubeAnnotation). */
const KUBE_ANNOTATION_MAX = 63;

/**
 * A value as podman's generate writes it: trimmed, and cut to the limit so that
 * play takes the file back (a pod member's 64-digit SandboxID, for one). podman
 * warns when a value reaches the limit, even one exactly at it.
 */
export function truncateKubeAnnotation(value: string, warn: (msg: string) => void): string {
  const v = value.trim();
  const runes = [...v];
  if (runes.length < KUBE_ANNOTATION_MAX) return v;
  const cut = runes.slice(0, KUBE_ANNOTATION_MAX).join('');
  warn(`Truncation Annotation: ${JSON.stringify(v)} to ${JSON.stringify(cut)}: Kubernetes only allows ${KUBE_ANNOTATION_MAX} characters`);
  return cut;
}

/** podman's create-time spec annotations of one container, as kube generate keys them. Pure. */
export function runtimeAnnotations(g: GenContainer): Record<string, string> {
  const name = g.rec.name.replace(/_/g, '');
  const flag = (b: boolean | undefined) => (b ? 'TRUE' : 'FALSE');
  return {
    // A pod member joins its pod's sandbox (Kata's "container" type), as podman's specgen marks it.
    ...(g.sandboxId !== undefined ? { [`io.kubernetes.cri-o.ContainerType/${name}`]: 'container', [`io.kubernetes.cri-o.SandboxID/${name}`]: g.sandboxId } : {}),
    [`io.kubernetes.cri-o.TTY/${name}`]: String(g.rec.config.tty === true),
    [`io.podman.annotations.autoremove/${name}`]: flag(g.rec.autoRemove),
    [`io.podman.annotations.init/${name}`]: flag(g.rec.config.init),
    [`io.podman.annotations.privileged/${name}`]: flag(g.privileged),
    [`io.podman.annotations.publish-all/${name}`]: flag(g.rec.config.publishAll),
    ...Object.fromEntries(Object.entries(g.rec.config.annotations ?? {}).filter(([k]) => RECORDED.has(k)).map(([k, v]) => [`${k}/${name}`, v])),
  };
}

/** The io.podman.annotations.* that create records from its flags (--security-opt, --cidfile, --volumes-from): always per container. */
const RECORDED = new Set(['label', 'seccomp', 'apparmor', 'cid-file', 'volumes-from'].map((k) => `io.podman.annotations.${k}`));

/** podman's volume.podman.io annotations for a volume's driver and options (libpod Volume.GenerateForKube). */
const VOLUME_OPTION_ANNOTATIONS: Record<string, string> = {
  o: 'volume.podman.io/mount-options',
  device: 'volume.podman.io/device',
  type: 'volume.podman.io/type',
  UID: 'volume.podman.io/uid',
  GID: 'volume.podman.io/gid',
};

/** A volume as the PersistentVolumeClaim podman writes for it (1Gi, ReadWriteOnce). */
function volumeClaim(v: VolumeRecord, stamp: Scalar): Record<string, unknown> {
  const annotations: Record<string, string> = { 'volume.podman.io/driver': v.driver };
  for (const [k, val] of Object.entries(v.options)) if (VOLUME_OPTION_ANNOTATIONS[k]) annotations[VOLUME_OPTION_ANNOTATIONS[k]] = val;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { annotations, creationTimestamp: stamp, ...(Object.keys(v.labels).length ? { labels: v.labels } : {}), name: v.name },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    status: {},
  };
}

const NAMESPACE_NOTE = `
# NOTE: The namespace sharing for a pod has been modified by the user and is not the same as the
# default settings for kubernetes. This can lead to unexpected behavior when running the generated
# kube yaml in a kubernetes cluster.
`;

const VOLUME_NOTE = `
# NOTE: If you generated this yaml from an unprivileged and rootless podman container on an SELinux
# enabled system, check the podman generate kube man page for steps to follow to ensure that your pod/container
# has the right permissions to access the volumes added.
`;

/**
 * The YAML text, podman's header comment first, then podman's parts separated
 * by `---` in its (helm's install) order: its namespace NOTE, volume claims,
 * the pods' services, its volume NOTE and service for named containers, then
 * the pods and the named containers' pod.
 */
export function toKube(pods: readonly GenPod[], o: GenerateOptions, now: Date = new Date(), volumes: readonly VolumeRecord[] = []): string {
  // Quoted, as podman writes it: a YAML 1.1 reader (PyYAML, Go's) would take it for a timestamp, not a string.
  const stamp = new Scalar(now.toISOString().replace(/\.\d+Z$/, 'Z'));
  stamp.type = Scalar.QUOTE_DOUBLE;
  const yaml = (d: unknown) => stringify(d, { lineWidth: 0, indentSeq: false, sortMapEntries: true });
  const content: string[] = [];
  if (pods.some((p) => p.fromPod && p.kubeNamespaces === false)) content.push(NAMESPACE_NOTE);
  content.push(...volumes.map((v) => yaml(volumeClaim(v, stamp))));
  const podDocs: string[] = [];
  // Pods first, the named containers' pod last, as podman.
  for (const p of [...pods.filter((x) => x.fromPod), ...pods.filter((x) => !x.fromPod)]) {
    const labels = { app: p.name, ...p.labels };
    const annotations = podAnnotations(p, o.warn ?? (() => undefined));
    const spec = podSpec(p);
    if (!p.fromPod && Array.isArray(spec.volumes) && spec.volumes.length) content.push(VOLUME_NOTE);
    if (o.type === 'deployment') {
      podDocs.push(yaml({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        // Play reads a Deployment's own annotations (podman's).
        metadata: { ...(annotations ? { annotations } : {}), creationTimestamp: stamp, labels: { app: p.name }, name: `${p.name}-deployment` },
        spec: { replicas: o.replicas, selector: { matchLabels: { app: p.name } }, template: { metadata: { labels, name: p.name }, spec } },
      }));
    } else {
      podDocs.push(yaml({ apiVersion: 'v1', kind: 'Pod', metadata: { ...(annotations ? { annotations } : {}), creationTimestamp: stamp, labels, name: p.name }, spec, ...(p.fromPod ? { status: {} } : {}) }));
    }
    // podman's service: always one with -s, the pod's metadata, a port named by its number, a NodePort from 30000-32767.
    if (o.service) {
      const ports = p.portsPerContainer ? p.containers.flatMap((g) => g.rec.config.ports ?? []) : p.ports;
      const used = new Set<number>();
      const nodePort = o.nodePort ?? (() => 30000 + Math.floor(Math.random() * 2768));
      const servicePorts = ports.flatMap((x) =>
        Array.from({ length: x.range ?? 1 }, (_, i) => {
          let np = nodePort();
          for (let tries = 0; used.has(np) && tries < 100; tries++) np = nodePort();
          used.add(np);
          const port = x.containerPort + i;
          return { name: String(port), nodePort: np, port, ...(x.protocol && x.protocol !== 'tcp' ? { protocol: x.protocol.toUpperCase() } : {}), targetPort: port };
        }),
      );
      content.push(yaml({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { creationTimestamp: stamp, labels, name: p.name },
        spec: { ...(servicePorts.length ? { ports: servicePorts } : {}), selector: { app: p.name }, type: 'NodePort' },
      }));
    }
  }
  const header = `# Save the output of this file and use kubectl create -f to import\n# it into Kubernetes.\n#\n# Created with tsc-run-${VERSION}\n`;
  return header + [...content, ...podDocs].join('---\n');
}
