// `image trust show|set` on the policy file in force: --policypath, else
// the user's ~/.config/containers/policy.json when it exists, else the
// system's. podman 4.3 always uses /etc/containers/policy.json here (the
// file its own pulls do not read when the user has one); we show and edit
// the one our pulls enforce. A user without a policy of their own gets
// one, seeded from the system's, on the first `set` (writing /etc needs root).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TscRunError } from '../../errors.js';
import { writeFileAtomic, errnoCode } from '../../storage/atomic-file.js';
import { withLock } from '../../storage/lock.js';
import { policyPath, SYSTEM_POLICY_PATH, userPolicyPath } from './policy-file.js';
import { readRegistriesD, registriesDPath } from './registries-d.js';
import { applyTrustSet, type TrustSetInput } from './trust-set.js';
import { parseGpgUids, trustEntries, type LoosePolicy, type TrustEntry } from './trust-view.js';

type Env = Record<string, string | undefined>;

async function readOrThrow(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = errnoCode(err);
    const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new TscRunError(`open ${file}: ${why}`, undefined, { cause: err });
  }
}

/** GPG user ids of the keys in a file, as `gpg2 --with-colons FILE` lists them (in a throw-away home: nothing is imported). */
function gpgIds(keyFile: string, warn: (m: string) => void): string[] {
  const home = process.getBuiltinModule('node:fs').mkdtempSync(path.join(os.tmpdir(), 'tsc-run-gpg-'));
  try {
    const out = execFileSync('gpg', ['--batch', '--homedir', home, '--with-colons', '--show-keys', keyFile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return parseGpgUids(out);
  } catch (err) {
    const e = err as Error & { stderr?: string; code?: string };
    const why = e.code === 'ENOENT' ? 'gpg is not installed' : (e.stderr ?? '').trim().split('\n').at(-1) || e.message.split('\n')[0];
    warn(`Getting key identity: ${why}`);
    return [];
  } finally {
    process.getBuiltinModule('node:fs').rmSync(home, { recursive: true, force: true });
  }
}

export interface ShowTrustOptions {
  policyPath?: string | undefined;
  registryPath?: string | undefined;
  env: Env;
  warn: (msg: string) => void;
}

export async function showTrust(o: ShowTrustOptions): Promise<{ raw: string; entries: () => Promise<TrustEntry[]> }> {
  const file = await policyPath(o.policyPath, o.env);
  const raw = await readOrThrow(file);
  return {
    raw,
    entries: async () => {
      let policy: LoosePolicy;
      try {
        policy = JSON.parse(raw) as LoosePolicy;
      } catch (err) {
        throw new TscRunError(`could not show trust policies: could not read trust policies: could not parse trust policies from ${file}: ${(err as Error).message}`);
      }
      const registries = await readRegistriesD(await registriesDPath(o.registryPath, o.env)).catch((err: unknown) => {
        throw new TscRunError(`could not show trust policies: ${(err as Error).message}`, undefined, { cause: err });
      });
      return trustEntries(policy, registries, {
        gpgIds: (f) => gpgIds(f, o.warn),
        gpgIdsOfData: (data) => {
          const tmp = process.getBuiltinModule('node:fs').mkdtempSync(path.join(os.tmpdir(), 'tsc-run-key-'));
          try {
            const f = path.join(tmp, 'key');
            process.getBuiltinModule('node:fs').writeFileSync(f, Buffer.from(data, 'base64'));
            return gpgIds(f, o.warn);
          } finally {
            process.getBuiltinModule('node:fs').rmSync(tmp, { recursive: true, force: true });
          }
        },
        warn: o.warn,
      });
    },
  };
}

export interface SetTrustOptions {
  policyPath?: string | undefined;
  /** Serialises this user's edits: read-modify-write, so concurrent sets lose none. */
  lockPath: string;
  env: Env;
  input: TrustSetInput;
}

/** Where `trust set` writes, and the text it starts from. */
async function setTarget(o: SetTrustOptions): Promise<{ file: string; old: string | undefined }> {
  const read = async (f: string) => {
    try {
      return await fs.readFile(f, 'utf8');
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return undefined;
      throw new TscRunError(`open ${f}: ${(err as Error).message}`, undefined, { cause: err });
    }
  };
  if (o.policyPath) return { file: o.policyPath, old: await read(o.policyPath) };
  const file = await policyPath(undefined, o.env);
  if (file !== SYSTEM_POLICY_PATH || process.getuid?.() === 0) return { file, old: await read(file) };
  // Rootless without a policy of one's own: the user's file, starting from the system's.
  return { file: userPolicyPath(o.env), old: await read(SYSTEM_POLICY_PATH) };
}

export async function setTrust(o: SetTrustOptions): Promise<void> {
  await withLock(o.lockPath, () => setLocked(o));
}

async function setLocked(o: SetTrustOptions): Promise<void> {
  const { file, old } = await setTarget(o);
  const text = applyTrustSet(old, o.input);
  await fs.mkdir(path.dirname(file), { recursive: true });
  try {
    await writeFileAtomic(file, text, { mode: 0o644 });
  } catch (err) {
    const code = errnoCode(err);
    throw new TscRunError(`open ${file}: ${code === 'EACCES' ? 'permission denied' : (err as Error).message}`, undefined, { cause: err });
  }
}
