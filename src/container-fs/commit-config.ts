// The config of a committed image, as podman builds it (libpod
// container_commit.go over buildah's import builder): the container's
// image config, then what the container was run with (entrypoint, cmd,
// env, ports, labels, user, working dir), then the `--change`
// instructions with podman's merge rules (ENV/EXPOSE/VOLUME/LABEL add,
// the others replace), a history entry, and `-a`/`-m`. Pure.

import { applyChanges } from '../image/config-changes.js';
import type { ContainerConfig, HistoryEntry, ImageConfig } from '../image/oci.js';
import type { ContainerRecord } from '../storage/containers.js';

export interface CommitConfigInput {
  base: ImageConfig;
  container: Pick<ContainerRecord, 'config'>;
  /** The new layer's diffID. */
  diffId: string;
  /** Name of the image the container came from, for the history comment. */
  fromName: string;
  changes: readonly string[];
  author?: string | undefined;
  /** --include-volumes: every volume and bind mount becomes a VOLUME (else only the user's anonymous volumes). */
  includeVolumes?: boolean | undefined;
  /** -m: Docker format only (podman refuses it for OCI). */
  message?: string | undefined;
  created: Date;
}

function envKey(kv: string): string {
  const i = kv.indexOf('=');
  return i < 0 ? kv : kv.slice(0, i);
}

/** buildah's SetEnv: replace the variable where it is, or append it. */
export function setEnv(env: readonly string[], kv: string): string[] {
  const key = envKey(kv);
  const at = env.findIndex((e) => envKey(e) === key);
  if (at < 0) return [...env, kv];
  const out = [...env];
  out[at] = kv;
  return out;
}

/**
 * The container's environment as podman's spec keeps it: HOME and HOSTNAME
 * are added for the process at run time unless the image (or -e) set them,
 * so they do not travel into the image unless the image had them.
 */
function containerEnv(env: readonly string[], imageEnv: readonly string[]): string[] {
  const fromImage = new Set(imageEnv.map(envKey));
  return env.filter((kv) => !['HOME', 'HOSTNAME'].includes(envKey(kv)) || fromImage.has(envKey(kv)));
}

/** The runtime config: image config, overlaid by the container's settings, then by the --change instructions. */
export function commitContainerConfig(base: ContainerConfig, c: ContainerRecord['config'], changes: readonly string[], includeVolumes = false): ContainerConfig {
  const cfg: ContainerConfig = structuredClone(base);
  const set = <K extends keyof ContainerConfig>(k: K, v: ContainerConfig[K] | undefined) => {
    if (v === undefined || (Array.isArray(v) && v.length === 0) || v === '') delete cfg[k];
    else cfg[k] = v;
  };
  set('Entrypoint', c.entrypoint.length ? [...c.entrypoint] : undefined);
  set('Cmd', c.cmd.length ? [...c.cmd] : undefined);
  let env = cfg.Env ?? [];
  for (const kv of containerEnv(c.env, base.Env ?? [])) env = setEnv(env, kv);
  set('Env', env);
  for (const p of c.ports ?? []) cfg.ExposedPorts = { ...cfg.ExposedPorts, [`${p.containerPort}/${p.protocol ?? 'tcp'}`]: {} };
  if (c.labels && Object.keys(c.labels).length) cfg.Labels = { ...cfg.Labels, ...c.labels };
  if (c.user) cfg.User = c.user;
  for (const m of c.mounts ?? []) {
    const wanted = includeVolumes ? m.type !== 'tmpfs' : m.type === 'volume' && m.anonymous === true;
    if (wanted) cfg.Volumes = { ...cfg.Volumes, [m.destination]: {} };
  }
  set('WorkingDir', c.workingDir);

  // The instructions alone (validated here), merged the way podman does.
  const ch = applyChanges(changes);
  if (ch.User) cfg.User = ch.User;
  if (ch.ExposedPorts) cfg.ExposedPorts = { ...cfg.ExposedPorts, ...ch.ExposedPorts };
  for (const kv of ch.Env ?? []) cfg.Env = setEnv(cfg.Env ?? [], kv);
  if (ch.Entrypoint !== undefined) set('Entrypoint', ch.Entrypoint);
  if (ch.Cmd !== undefined) set('Cmd', ch.Cmd);
  if (ch.Volumes) cfg.Volumes = { ...cfg.Volumes, ...ch.Volumes };
  if (ch.WorkingDir) cfg.WorkingDir = ch.WorkingDir;
  if (ch.Labels) cfg.Labels = { ...cfg.Labels, ...ch.Labels };
  if (ch.StopSignal) cfg.StopSignal = ch.StopSignal;
  if (ch.OnBuild) cfg.OnBuild = [...(cfg.OnBuild ?? []), ...ch.OnBuild];
  return cfg;
}

/** The whole config: the base's platform and layers plus the new one, one more history entry. */
export function buildCommitConfig(i: CommitConfigInput, format: 'oci' | 'docker'): ImageConfig & { comment?: string } {
  const created = i.created.toISOString();
  const history: HistoryEntry = {
    created,
    created_by: '/bin/sh',
    ...(i.author ? { author: i.author } : {}),
    comment: `FROM ${i.fromName}`,
  };
  const config = commitContainerConfig(i.base.config ?? {}, i.container.config, i.changes, i.includeVolumes);
  if (format === 'oci') delete config.OnBuild; // Docker-only
  return {
    created,
    ...(i.author ? { author: i.author } : {}),
    architecture: i.base.architecture,
    ...(i.base.variant ? { variant: i.base.variant } : {}),
    os: i.base.os,
    config,
    rootfs: { type: 'layers', diff_ids: [...i.base.rootfs.diff_ids, i.diffId] },
    history: [...(i.base.history ?? []), history],
    ...(format === 'docker' && i.message ? { comment: i.message } : {}),
  };
}
