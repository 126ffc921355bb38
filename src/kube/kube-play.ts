// kube play / kube down: the plan (kube-plan.ts) run through our own
// command line (src/compose/engine/runner.ts's Engine), so every pod,
// container and volume goes through the same checks, locks and events as a
// user's own commands. Output as podman 4.3 prints it.

import fs from 'node:fs/promises';
import path from 'node:path';
import { TscRunError } from '../errors.js';
import type { Engine } from '../compose/engine/runner.js';
import type { KubeDoc } from './kube-parse.js';
import { planKube, podNames, secretNames, type HostPathCheck, type KubePlan, type PlayFlags } from './kube-plan.js';

/** --service-container (src/pod/pod-service.ts): made before the first pod, linked to each. */
export interface ServiceHooks {
  name: string;
  create: (name: string) => Promise<string>;
  link: (podId: string, serviceId: string) => Promise<void>;
}

export interface PlayOptions extends PlayFlags {
  service?: ServiceHooks | undefined;
  start: boolean;
  replace: boolean;
  /** --build: true builds every image with a build directory, false none; absent: those missing locally. */
  build?: boolean | undefined;
  /** --context-dir, or the current directory: where build directories named like images are looked for. */
  contextDir: string;
  /** Where a build's output goes (podman: stderr, nothing with --quiet). */
  buildOutput: (text: string) => void;
}

/** podman's imageNamePrefix: the name without registry path, tag or digest (`localhost/app:1` → `app`). Pure. */
export function imageBuildDirName(image: string): string {
  return (image.split(':')[0] ?? image).split('/').pop()!.split('@')[0]!;
}

/** DIR/NAME/Containerfile, else DIR/NAME/Dockerfile, for an image NAME (podman's getBuildFile). */
async function buildFileFor(image: string, dir: string): Promise<string | undefined> {
  for (const f of ['Containerfile', 'Dockerfile']) {
    const p = path.join(dir, imageBuildDirName(image), f);
    if (await fs.stat(p).then((st) => st.isFile(), () => false)) return p;
  }
  return undefined;
}

function imagesOf(docs: readonly KubeDoc[]): string[] {
  const specs = docs.flatMap((d) => (d.kind === 'Pod' ? [d.spec] : d.kind === 'Deployment' || d.kind === 'DaemonSet' ? [d.spec.template.spec] : []));
  return [...new Set(specs.flatMap((s) => [...(s.initContainers ?? []), ...s.containers].map((c) => c.image)))];
}

/** --build: images with a build directory are built (as podman: when missing locally, or always with --build). */
async function buildImages(engine: Engine, docs: readonly KubeDoc[], o: PlayOptions): Promise<void> {
  if (o.build === false) return;
  for (const image of imagesOf(docs)) {
    const file = await buildFileFor(image, o.contextDir);
    if (!file) continue;
    if (o.build !== true && (await engine.capture(['image', 'exists', image])).code === 0) continue;
    const r = await engine.capture(['build', ...(o.quiet ? ['-q'] : []), '-t', image, '-f', file, path.dirname(file)]);
    if (!o.quiet && r.stdout) o.buildOutput(r.stdout);
    if (r.code !== 0) throw new TscRunError(`building ${image} from ${file}: ${r.stderr.trim().split('\n').pop() ?? `exit ${r.code}`}`);
  }
}

async function checkHostPath(h: HostPathCheck): Promise<void> {
  const st = await fs.stat(h.path).catch(() => undefined);
  switch (h.type) {
    case 'DirectoryOrCreate':
      if (!st) await fs.mkdir(h.path, { recursive: true, mode: 0o755 });
      else if (!st.isDirectory()) throw new TscRunError(`hostPath ${h.path}: not a directory`);
      return;
    case 'FileOrCreate':
      if (!st) {
        await fs.mkdir(path.dirname(h.path), { recursive: true, mode: 0o755 });
        await fs.writeFile(h.path, '', { flag: 'a', mode: 0o644 });
      } else if (!st.isFile()) throw new TscRunError(`hostPath ${h.path}: not a file`);
      return;
    case 'Directory':
      if (!st?.isDirectory()) throw new TscRunError(`hostPath ${h.path}: directory does not exist`);
      return;
    case 'File':
      if (!st?.isFile()) throw new TscRunError(`hostPath ${h.path}: file does not exist`);
      return;
    case 'Socket':
      if (!st?.isSocket()) throw new TscRunError(`hostPath ${h.path}: socket does not exist`);
      return;
    case 'CharDevice':
    case 'BlockDevice':
      if (!(h.type === 'CharDevice' ? st?.isCharacterDevice() : st?.isBlockDevice())) throw new TscRunError(`hostPath ${h.path}: ${h.type} does not exist`);
      return;
    case '':
      return;
    default:
      throw new TscRunError(`hostPath ${h.path}: unknown type ${JSON.stringify(h.type)}`);
  }
}

async function ensureVolumes(engine: Engine, plan: KubePlan): Promise<string[]> {
  const made: string[] = [];
  for (const v of plan.volumes) {
    if ((await engine.capture(['volume', 'exists', v])).code === 0) continue;
    await engine.must(['volume', 'create', v]);
    made.push(v);
  }
  for (const f of plan.filled) {
    const dir = (await engine.must(['volume', 'inspect', '--format', '{{.Mountpoint}}', f.name])).trim();
    for (const [rel, text] of Object.entries(f.files)) {
      const file = path.join(dir, rel);
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
      await fs.writeFile(file, text, { mode: 0o644 });
    }
  }
  return made;
}

/** Returns what podman prints on stdout; notes go to `note`. */
export async function kubePlay(engine: Engine, docs: readonly KubeDoc[], configMaps: readonly KubeDoc[], o: PlayOptions, note: (s: string) => void): Promise<string> {
  const plan = planKube(docs, configMaps, o);
  for (const n of plan.notes) note(n);
  await buildImages(engine, docs, o);
  if (o.replace) await kubeDown(engine, docs);
  for (const h of plan.hostPaths) await checkHostPath(h);
  const volumes = await ensureVolumes(engine, plan);
  // A Secret's keys as tsc-run secrets (stdin, never a file or an argument), replaced when they exist.
  for (const sec of plan.secrets) {
    await engine.capture(['secret', 'rm', sec.name]);
    await engine.must(['secret', 'create', sec.name, '-'], sec.value);
  }
  let out = volumes.length ? `Volumes:\n${volumes.map((v) => `${v}\n`).join('')}` : '';
  let serviceId: string | undefined;
  if (o.service && plan.pods.length) {
    // podman: --replace replaces the service container as well.
    if (o.replace) await engine.capture(['rm', '-f', '-t', '0', o.service.name]);
    serviceId = await o.service.create(o.service.name);
  }
  try {
    for (const p of plan.pods) {
      const podId = (await engine.must(['pod', 'create', ...p.podArgs])).trim();
      try {
        if (o.service && serviceId) await o.service.link(podId, serviceId);
        // Init containers first (create --init-ctr, src/pod/pod-init.ts): pod start runs them to completion before the others.
        for (const c of p.inits) await engine.must(['create', ...c.args]);
        const ids: string[] = [];
        for (const c of p.containers) ids.push((await engine.must(['create', ...c.args])).trim().split('\n').pop()!);
        if (o.start) await engine.must(['pod', 'start', p.name]);
        out += `Pod:\n${podId}\n${ids.length === 1 ? 'Container' : 'Containers'}:\n${ids.map((i) => `${i}\n`).join('')}\n`;
      } catch (err) {
        // No half-made pod stays behind.
        await engine.capture(['pod', 'rm', '-f', '-t', '0', p.name]);
        throw err;
      }
    }
  } catch (err) {
    // As podman: a failed play does not leave its service container (rm refuses it while a pod of it runs).
    if (serviceId) await engine.capture(['rm', '-f', '-t', '0', serviceId]);
    throw err;
  }
  return out;
}

/** kube down (and play --down): stop, then remove, the file's pods; volumes stay (podman 4.3). */
export async function kubeDown(engine: Engine, docs: readonly KubeDoc[]): Promise<string> {
  const names = podNames(docs);
  const stopped: string[] = [];
  const removed: string[] = [];
  for (const n of names) {
    const id = await engine.capture(['pod', 'inspect', '--format', '{{.Id}}', n]);
    if (id.code !== 0) continue;
    await engine.must(['pod', 'stop', '-t', '10', n]);
    stopped.push(id.stdout.trim());
  }
  for (const n of names) {
    const id = await engine.capture(['pod', 'inspect', '--format', '{{.Id}}', n]);
    if (id.code !== 0) continue;
    await engine.must(['pod', 'rm', '-f', n]);
    removed.push(id.stdout.trim());
  }
  // The secrets this file's Secret documents made.
  for (const s of secretNames(docs)) await engine.capture(['secret', 'rm', s]);
  return `Pods stopped:\n${stopped.map((s) => `${s}\n`).join('')}Pods removed:\n${removed.map((s) => `${s}\n`).join('')}`;
}
