// pods/<id>/pod.json: a pod's config (podman's PodConfig: name, labels,
// shared namespaces, infra, exit policy). Its members are not listed here:
// a container names its pod (ContainerRecord.pod), so there is one truth and
// no two files to keep in step. Created under locks/pods.lock (names are
// unique among pods), changed by read-modify-write under the pod's own lock,
// written atomically (json-store).

import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { NoSuchObjectError, TscRunError } from '../errors.js';
import { errnoCode, isTempFileName } from '../storage/atomic-file.js';
import { parseJsonText, readJson, updateJson, writeJsonAtomic } from '../storage/json-store.js';
import { withLock } from '../storage/lock.js';

export type ExitPolicy = 'continue' | 'stop';

/** The namespaces members share with the infra (podman's UsePod*). */
export type SharedNamespace = 'net' | 'ipc' | 'uts' | 'pid' | 'cgroup';

export interface PodRecord {
  id: string;
  name: string;
  created: string;
  createCommand: string[];
  labels: Record<string, string>;
  /** --hostname, or the pod's name (podman's default when there is an infra). */
  hostname: string;
  /** --hostname was given (podman's pod inspect shows Hostname only then). */
  hostnameSet?: boolean;
  /** The resource flags as pod inspect shows them (not applied: rootless cgroup v1 has no pod cgroup; docs/pods.md). */
  limits?: import('./pod-resources.js').PodLimits;
  share: SharedNamespace[];
  exitPolicy: ExitPolicy;
  /** Absent with --infra=false. */
  infraId?: string;
  /** pod create -v: given to every member at its create (podman: the infra's, inherited). */
  volumes?: string[];
  /** kube play: the YAML's own name for it (kube down finds its pods by it). */
  kubeFile?: string;
  /** pod create --volumes-from: the containers named (their mounts are in `volumes`). */
  volumesFrom?: string[];
  /** pod create --device, --security-opt, --shm-size: every member's too (podman's InfraInherit), its own flags after them. */
  devices?: string[];
  securityOpt?: string[];
  shmSize?: string;
  /** pod create --pid, --uts: the infra's mode; members sharing that namespace get the host's when it is host. */
  namespaces?: { pid?: 'host' | 'private'; uts?: 'host' | 'private' };
  /** pod create --share-parent (default true): recorded for inspect; no pod cgroup exists here (docs/pods.md). */
  shareParent?: boolean;
  /** When `pod stop`/`kill`/`rm` last began (under the start lock): a healthcheck's restart begun before it does not start a member again. */
  stoppedAt?: string;
  /** kube play --service-container: the service container (src/pod/pod-service.ts) that runs while this pod does. */
  serviceContainerId?: string;
}

function validate(v: unknown): PodRecord {
  const r = v as Partial<PodRecord> | null;
  if (!r || typeof r.id !== 'string' || typeof r.name !== 'string' || !Array.isArray(r.share)) throw new Error('malformed pod record');
  return r as PodRecord;
}

/** Podman's wording when a name or id matches no pod. */
export class NoSuchPodError extends NoSuchObjectError {
  constructor(readonly nameOrId: string) {
    super('pod', nameOrId);
    this.message = `no pod with name or ID ${nameOrId} found: no such pod`;
  }
}

export class PodNameInUseError extends TscRunError {
  constructor(name: string) {
    super(`adding pod to state: name ${JSON.stringify(name)} is in use: pod already exists`);
  }
}

export class PodStore {
  readonly dir: string;
  private readonly locks: string;

  constructor(dataRoot: string) {
    this.dir = path.join(dataRoot, 'pods');
    this.locks = path.join(dataRoot, 'locks');
  }

  private file(id: string): string {
    return path.join(this.dir, id, 'pod.json');
  }

  private lockOf(id: string): string {
    return path.join(this.locks, `pod-${id}.lock`);
  }

  /** Held while a member starts and while the exit policy decides (pod-member.ts, pod-lifecycle.ts). */
  startLock(id: string): string {
    return path.join(this.locks, `pod-${id}.start.lock`);
  }

  /** The lock of the pod set: creation (unique names) and removal. */
  get setLock(): string {
    return path.join(this.locks, 'pods.lock');
  }

  async get(id: string): Promise<PodRecord | undefined> {
    return readJson<PodRecord | undefined>(this.file(id), { missing: undefined, validate });
  }

  /** Every pod with a complete record. No lock: records are replaced atomically. */
  list(): PodRecord[] {
    let names: string[];
    try {
      names = fsSync.readdirSync(this.dir);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return [];
      throw err;
    }
    const out: PodRecord[] = [];
    for (const n of names) {
      if (isTempFileName(n) || !/^[0-9a-f]{64}$/.test(n)) continue;
      const file = this.file(n);
      let text: string;
      try {
        text = fsSync.readFileSync(file, 'utf8');
      } catch (err) {
        if (errnoCode(err) === 'ENOENT') continue; // removed meanwhile, or a half-made pod
        throw err;
      }
      out.push(parseJsonText(file, text, validate));
    }
    return out;
  }

  /** By full id, exact name, or unique id prefix. */
  lookup(nameOrId: string): PodRecord {
    const all = this.list();
    const hit =
      all.find((p) => p.id === nameOrId) ??
      all.find((p) => p.name === nameOrId) ??
      (() => {
        if (!/^[0-9a-f]+$/.test(nameOrId)) return undefined;
        const m = all.filter((p) => p.id.startsWith(nameOrId));
        if (m.length > 1) throw new TscRunError(`more than one result for pod ${JSON.stringify(nameOrId)}`);
        return m[0];
      })();
    if (!hit) throw new NoSuchPodError(nameOrId);
    return hit;
  }

  /** Under the set lock: fails if the name is taken; `then` runs after the record is written, still locked. */
  async create(record: PodRecord, then?: (r: PodRecord) => Promise<void>): Promise<PodRecord> {
    return withLock(this.setLock, async () => {
      if (this.list().some((p) => p.name === record.name)) throw new PodNameInUseError(record.name);
      await fs.mkdir(path.join(this.dir, record.id), { recursive: true, mode: 0o700 });
      await writeJsonAtomic(this.file(record.id), record);
      if (then) await then(record);
      return record;
    });
  }

  async update(id: string, mutate: (r: PodRecord) => void): Promise<PodRecord> {
    return updateJson<PodRecord>(
      this.file(id),
      this.lockOf(id),
      () => {
        throw new NoSuchPodError(id);
      },
      mutate,
      { validate },
    );
  }

  /** The record goes first (the pod stops being listed), then its directory. */
  async remove(id: string): Promise<void> {
    await withLock(this.setLock, async () => {
      await fs.rm(this.file(id), { force: true });
      await fs.rm(path.join(this.dir, id), { recursive: true, force: true });
    });
  }
}
