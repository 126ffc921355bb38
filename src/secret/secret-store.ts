// Secrets, as podman 4.3 keeps them with its `file` driver: the records in
// <root>/secrets/secrets.json, each secret's bytes in
// <root>/secrets/filedriver/<id>, every file 0600 and the directories 0700,
// written atomically under <root>/locks/secrets.lock. The bytes never reach
// a record, a container's config, an image or inspect output: a container
// gets the file bind-mounted read-only (run --secret).

import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { NoSuchObjectError, TscRunError, UsageError } from '../errors.js';
import { errnoCode, writeFileAtomic } from '../storage/atomic-file.js';
import { readJson, writeJsonAtomic } from '../storage/json-store.js';
import { withLock } from '../storage/lock.js';

export interface SecretRecord {
  ID: string;
  CreatedAt: string;
  UpdatedAt: string;
  Spec: {
    Name: string;
    Driver: { Name: string; Options: Record<string, string> };
    Labels: Record<string, string>;
  };
}

interface SecretsFile {
  secrets: SecretRecord[];
}

/** podman's limit: more than 0 and less than 512000 bytes. */
export const MAX_SECRET_BYTES = 512000;
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export class SecretStore {
  readonly dir: string;
  private readonly file: string;
  private readonly lockPath: string;
  constructor(dataRoot: string) {
    this.dir = path.join(dataRoot, 'secrets');
    this.file = path.join(this.dir, 'secrets.json');
    this.lockPath = path.join(dataRoot, 'locks', 'secrets.lock');
  }

  dataFile(id: string): string {
    return path.join(this.dir, 'filedriver', id);
  }

  async list(): Promise<SecretRecord[]> {
    return (await this.read()).secrets;
  }

  private read(): Promise<SecretsFile> {
    return readJson<SecretsFile>(this.file, {
      missing: { secrets: [] },
      validate: (v) => {
        if (!v || typeof v !== 'object' || !Array.isArray((v as SecretsFile).secrets)) throw new Error('no "secrets" list');
        return v as SecretsFile;
      },
    });
  }

  /** By name, full id or unique id prefix. */
  async lookup(nameOrId: string): Promise<SecretRecord> {
    const found = findSecret(await this.list(), nameOrId);
    if (!found) throw new NoSuchSecretError(nameOrId);
    return found;
  }

  async create(name: string, data: Buffer, labels: Record<string, string>): Promise<SecretRecord> {
    if (!NAME_RE.test(name) || name.length > 253) throw new UsageError(`secret name ${JSON.stringify(name)} is invalid: must match [a-zA-Z0-9][a-zA-Z0-9_.-]* and be at most 253 characters`);
    if (data.length === 0 || data.length >= MAX_SECRET_BYTES) throw new TscRunError(`secret data must be larger than 0 and less than ${MAX_SECRET_BYTES} bytes`);
    return withLock(this.lockPath, async () => {
      const current = await this.read();
      if (current.secrets.some((s) => s.Spec.Name === name)) throw new TscRunError(`${name}: secret name in use`);
      let id: string;
      do id = randomBytes(13).toString('hex').slice(0, 25);
      while (current.secrets.some((s) => s.ID === id));
      await fs.mkdir(path.join(this.dir, 'filedriver'), { recursive: true, mode: 0o700 });
      // The bytes first: a record never points at missing data.
      await writeFileAtomic(this.dataFile(id), data, { mode: 0o600 });
      const now = new Date().toISOString();
      const rec: SecretRecord = {
        ID: id,
        CreatedAt: now,
        UpdatedAt: now,
        Spec: { Name: name, Driver: { Name: 'file', Options: { path: path.join(this.dir, 'filedriver') } }, Labels: labels },
      };
      await writeJsonAtomic(this.file, { secrets: [...current.secrets, rec] }, { mode: 0o600 });
      return rec;
    });
  }

  /** Removes the record, then the bytes; returns the id. */
  async remove(nameOrId: string): Promise<string> {
    return withLock(this.lockPath, async () => {
      const current = await this.read();
      const rec = findSecret(current.secrets, nameOrId);
      if (!rec) throw new NoSuchSecretError(nameOrId);
      await writeJsonAtomic(this.file, { secrets: current.secrets.filter((s) => s.ID !== rec.ID) }, { mode: 0o600 });
      try {
        await fs.unlink(this.dataFile(rec.ID));
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') throw err;
      }
      return rec.ID;
    });
  }
}

export class NoSuchSecretError extends NoSuchObjectError {
  constructor(nameOrId: string) {
    super('secret', nameOrId);
    this.message = `no secret with name or id ${JSON.stringify(nameOrId)}: no such secret`;
  }
}

export function findSecret(list: readonly SecretRecord[], nameOrId: string): SecretRecord | undefined {
  const byName = list.find((s) => s.Spec.Name === nameOrId);
  if (byName) return byName;
  const byId = list.filter((s) => s.ID.startsWith(nameOrId));
  return nameOrId.length > 0 && byId.length === 1 ? byId[0] : undefined;
}
