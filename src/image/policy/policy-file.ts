// Where the signature policy is read from, as containers/image finds it:
// --signature-policy, else ~/.config/containers/policy.json when it exists,
// else /etc/containers/policy.json. No policy file anywhere is the one case
// we differ: podman fails every copy, tsc-run accepts (there is no policy
// asking for anything; docs/images.md says so).

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TscRunError } from '../../errors.js';
import { errnoCode } from '../../storage/atomic-file.js';
import { parsePolicy, PolicyFormatError, type Policy } from './policy.js';

export const SYSTEM_POLICY_PATH = '/etc/containers/policy.json';

export function userPolicyPath(env: Record<string, string | undefined>): string {
  return path.join(env.HOME || os.homedir(), '.config/containers/policy.json');
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.stat(p);
    return true;
  } catch {
    return false;
  }
}

/** The file in force: the explicit one, the user's when it exists, else the system's. */
export async function policyPath(explicit: string | undefined, env: Record<string, string | undefined>): Promise<string> {
  if (explicit !== undefined && explicit !== '') return explicit;
  const user = userPolicyPath(env);
  return (await exists(user)) ? user : SYSTEM_POLICY_PATH;
}

function openError(file: string, err: unknown): TscRunError {
  const code = errnoCode(err);
  const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
  return new TscRunError(`open ${file}: ${why}`, undefined, { cause: err });
}

export interface LoadedPolicy {
  path: string;
  /** The file's bytes as they are (trust show --raw). */
  raw: string;
  policy: Policy;
}

/** Read and validate a policy file; errors as podman words them. */
export async function readPolicyFile(file: string): Promise<LoadedPolicy> {
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw openError(file, err);
  }
  try {
    return { path: file, raw, policy: parsePolicy(raw) };
  } catch (err) {
    if (err instanceof PolicyFormatError) throw new PolicyFormatError(`invalid policy in ${JSON.stringify(file)}: ${err.message}`, undefined, { cause: err });
    throw err;
  }
}

/** The policy in force, or undefined when no file exists and none was named. */
export async function loadPolicy(explicit: string | undefined, env: Record<string, string | undefined>): Promise<LoadedPolicy | undefined> {
  const file = await policyPath(explicit, env);
  if (explicit === undefined || explicit === '') {
    if (file === SYSTEM_POLICY_PATH && !(await exists(file))) return undefined;
  }
  return readPolicyFile(file);
}
