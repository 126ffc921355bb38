// Where kube's inputs come from: the YAML (a file, `-` for stdin, or an
// http(s) URL, as podman), and, for generate, the stores' pods and
// containers.

import fs from 'node:fs/promises';
import type { Roots } from '../config/paths.js';
import { TscRunError } from '../errors.js';
import { NoSuchPodError, PodStore, type PodRecord } from '../pod/pod-store.js';
import { userdataDir } from '../runtime/container/container-files.js';
import { loadContainerSecurity } from '../runtime/security/security-args.js';
import { ContainerStore, type ContainerRecord } from '../storage/containers.js';
import type { VolumeRecord } from '../storage/volume-types.js';
import type { GenContainer, GenPod } from './kube-generate.js';
import { parseKubeYaml, type KubeDoc } from './kube-parse.js';

export async function readKubeInput(source: string, readStdin: () => Promise<string>): Promise<{ text: string; name: string }> {
  if (source === '-') return { text: await readStdin(), name: 'stdin' };
  if (/^https?:\/\//.test(source)) {
    let res: Response;
    try {
      res = await fetch(source);
    } catch (err) {
      throw new TscRunError(`fetching ${source}: ${(err as Error).message}`);
    }
    if (!res.ok) throw new TscRunError(`fetching ${source}: ${res.status} ${res.statusText}`);
    return { text: await res.text(), name: source };
  }
  try {
    return { text: await fs.readFile(source, 'utf8'), name: source };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TscRunError(`open ${source}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'is a directory' : (err as Error).message}`);
  }
}

/** --configmap FILE...: the ConfigMaps they hold. */
export async function readConfigMaps(files: readonly string[]): Promise<KubeDoc[]> {
  const out: KubeDoc[] = [];
  for (const f of files) {
    const { text, name } = await readKubeInput(f, () => Promise.resolve(''));
    const { parseAllConfigMaps } = await import('./kube-configmap.js');
    out.push(...parseAllConfigMaps(text, name));
  }
  return out;
}

export function parseKube(text: string, name: string): KubeDoc[] {
  return parseKubeYaml(text, name);
}

async function genContainer(store: ContainerStore, rec: ContainerRecord, pod: PodRecord | undefined): Promise<GenContainer> {
  const sec = await loadContainerSecurity(userdataDir(store.containerDir(rec.id)));
  const bindKinds: Record<string, 'Directory' | 'File'> = {};
  for (const m of rec.config.mounts ?? []) {
    if (m.type !== 'bind') continue;
    const st = await fs.stat(m.source).catch(() => undefined);
    if (st) bindKinds[m.source] = st.isDirectory() ? 'Directory' : 'File';
  }
  const sandboxId = pod ? (pod.infraId ?? pod.id) : undefined;
  return { rec, bounding: sec?.capabilities.bounding, privileged: sec?.privileged === true, readOnlyRoot: sec?.readOnlyRoot === true, bindKinds, sandboxId };
}

/** A container's pod record; undefined when it went away meanwhile. */
function podOf(pods: PodStore, id: string): PodRecord | undefined {
  try {
    return pods.lookup(id);
  } catch (err) {
    if (err instanceof NoSuchPodError) return undefined;
    throw err;
  }
}

/** podman's name for a container in the YAML (Kubernetes names have no underscores). */
const kubeSafe = (n: string) => n.replace(/_/g, '');

/**
 * Each name: a container, else a pod (its members but the infra), else a
 * volume (a PersistentVolumeClaim), looked up in podman's order. The
 * containers named become one pod, named after the first (`NAME-pod` when
 * that is also a container's name), as podman's generate makes them.
 */
export async function generateInputs(roots: Roots, names: readonly string[]): Promise<{ pods: GenPod[]; volumes: VolumeRecord[] }> {
  const pods = new PodStore(roots.dataRoot);
  const store = new ContainerStore(roots.dataRoot);
  const all = await store.list();
  const out: GenPod[] = [];
  const ctrs: ContainerRecord[] = [];
  const volumes: VolumeRecord[] = [];
  const { VolumeStore } = await import('../volume/volume-store.js');
  const vols = new VolumeStore(roots.dataRoot);
  for (const n of names) {
    const rec = await store.lookup(n).catch(() => undefined);
    if (rec) {
      // podman: a pod's containers come only with their pod (the infra holds their namespaces).
      if (rec.pod) throw new TscRunError(`container ${rec.id} is associated with pod ${rec.pod}: use generate on the pod itself`);
      ctrs.push(rec);
      continue;
    }
    const pod = podOf(pods, n);
    if (pod) {
      const infra = all.find((c) => c.id === pod.infraId);
      const members = all.filter((c) => c.pod === pod.id && c.id !== pod.infraId).sort((a, b) => Date.parse(a.created) - Date.parse(b.created));
      if (members.length === 0) throw new TscRunError(pod.infraId ? `pod ${pod.id} only has an infra container` : `pod ${pod.id} has no containers`);
      out.push({
        name: pod.name,
        // podman: the members' hostname, which is the pod's only when they share its uts namespace.
        hostname: pod.share.includes('uts') ? pod.hostname : undefined,
        labels: pod.labels,
        ports: infra?.config.ports ?? [],
        containers: await Promise.all(members.map((m) => genContainer(store, m, pod))),
        fromPod: true,
        infra: infra ? { addHosts: infra.config.addHosts, dns: infra.config.dns, dnsSearch: infra.config.dnsSearch, dnsOptions: infra.config.dnsOptions, hostNetwork: infra.config.network === 'host', sharePid: pod.share.includes('pid') } : undefined,
        kubeNamespaces: pod.infraId !== undefined && (['ipc', 'net', 'uts'] as const).every((k) => pod.share.includes(k)),
      });
      continue;
    }
    const vol = await vols.get(n);
    if (vol) {
      volumes.push(vol);
      continue;
    }
    throw new TscRunError(`name or ID ${JSON.stringify(n)} not found`);
  }
  if (ctrs.length) {
    let name = kubeSafe(ctrs[0]!.name);
    if (ctrs.some((c) => kubeSafe(c.name) === name)) name += '-pod';
    // podman: the first hostname that is not the default (the container id's first characters).
    const hostname = ctrs.map((c) => c.config.hostname).find((h, i) => h && !ctrs[i]!.id.includes(h));
    out.push({ name, hostname, labels: {}, ports: [], containers: await Promise.all(ctrs.map((c) => genContainer(store, c, undefined))), portsPerContainer: true });
  }
  return { pods: out, volumes };
}
