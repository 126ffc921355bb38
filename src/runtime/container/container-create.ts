// Create a container: resolve the image, work out its command, environment,
// user and working directory (run-spec.ts), and store the record with empty
// overlay upper/work dirs. Nothing runs yet.

import fs from 'node:fs/promises';
import { TscRunError } from '../../errors.js';
import { imageHealthcheck, type HealthConfig } from '../../health/health-config.js';
import { emitContainer } from '../../events/emit.js';
import { parseImageConfig } from '../../image/oci.js';
import { BlobStore } from '../../storage/blob-store.js';
import { ContainerNameInUseError, ContainerStore, newContainerId, type ContainerConfig, type ContainerRecord, type ContainerStorage } from '../../storage/containers.js';
import { ImageStore, resolvedName, type ImageRecord } from '../../storage/images.js';
import type { TreeOps } from '../../storage/layers/layer-store.js';
import { LayerStore } from '../../storage/layers/layer-store.js';
import { randomContainerName } from './container-names.js';
import { makeVfsRootfs } from './container-rootfs.js';
import { parseAddHost, resolvConfContent, userdataDir } from './container-files.js';
import { readImageFile } from './image-files.js';
import type { PortRequest } from '../../network/port-spec.js';
import { buildEnv, defaultHostname, parseGroup, resolveCommand, resolveWorkdir, type EnvFlags, type RunFlags } from './run-spec.js';
import { passwdAndGroup, type HostUser } from '../create-flags/passwd-entries.js';
import { writeEtcFiles } from '../create-flags/etc-files.js';
import { planContainerSecurity, writeContainerSecurity, type SecurityFlags } from '../security/security-args.js';
import { needsGroupFile, resolveUserIds } from '../userns/user-resolve.js';
import { planContainerMounts, removeAnonymousVolumes, withContainerVolumes } from '../../volume/container-volumes.js';
import type { MountFlags } from '../../volume/mount-spec.js';
import { nowRfc3339Nano } from '../../format/go-time.js';
import { SYSTEMD_STOP_SIGNAL, usesSystemdMode, type SystemdFlag } from '../create-flags/systemd-mode.js';

export interface CreateContainerInput {
  dataRoot: string;
  /** Name or id of the image, as the user typed it. */
  image: string;
  /** Its record, when the caller looked it up already (run/create's pull policy). */
  imageRecord?: ImageRecord | undefined;
  name?: string | undefined;
  flags: RunFlags;
  /** --no-healthcheck: the image's HEALTHCHECK is not used either. */
  noHealthcheck?: boolean | undefined;
  /** --health-on-failure without --health-cmd: the action for the image's HEALTHCHECK. */
  healthOnFailure?: HealthConfig['onFailure'] | undefined;
  hostname?: string | undefined;
  /** The mode to record (src/network/network-mode.ts) and its options. */
  network: string;
  networkOptions?: readonly string[] | undefined;
  /** -p values (src/network/port-spec.ts) and -P: host ports are resolved here, with the image's EXPOSE. */
  ports?: readonly PortRequest[] | undefined;
  publishAll?: boolean | undefined;
  autoRemove: boolean;
  treeOps: TreeOps;
  hostEnv?: Readonly<Record<string, string | undefined>>;
  /** From resolveContainerStorage(); default native overlay. */
  storage?: ContainerStorage | undefined;
  /** --cap-add, --cap-drop, --privileged, --security-opt, --read-only[-tmpfs]. */
  security?: SecurityFlags | undefined;
  /** --add-host and --dns, for the /etc/hosts and /etc/resolv.conf written at every start. */
  addHosts?: readonly string[] | undefined;
  dns?: readonly string[] | undefined;
  dnsSearch?: readonly string[] | undefined;
  dnsOptions?: readonly string[] | undefined;
  /** --no-hosts: the image's /etc/hosts stays. */
  noHosts?: boolean | undefined;
  /** --env-merge, --unsetenv(-all), --env-host, --http-proxy. */
  envFlags?: EnvFlags | undefined;
  /** --group-add: names (in the image's /etc/group) or gids; keep-groups is in config.groupAdd only. */
  groupAdd?: readonly string[] | undefined;
  /** Lines added to /etc/passwd and /etc/group (podman's --passwd, default true). */
  passwd?: { currentUser?: { user: HostUser; groupName: string | undefined } | undefined; hostUsers: readonly HostUser[]; entry?: string | undefined; error?: string | undefined } | undefined;
  /** --tz: the zone file to copy to userdata/localtime. */
  zoneFile?: string | undefined;
  /** -v, --mount, --tmpfs as given (src/volume/); relative bind sources are resolved against cwd. */
  mounts?: MountFlags | undefined;
  cwd?: string | undefined;
  /** The rest of the config as the run/create flags set it (tty, stdin, logs, restart policy, ...: run-options.ts). */
  config?: Partial<ContainerConfig> | undefined;
  /** The pod it joins (src/pod/pod-join.ts), full id. */
  pod?: string | undefined;
  /** --rootfs PATH[:O]: run from this directory (absolute) instead of an image; overlay: writes go to the container's upper dir. */
  rootfs?: { path: string; overlay: boolean } | undefined;
  /** --systemd (run/create default true; absent: no systemd mode, as for build steps and pod infra). */
  systemd?: SystemdFlag | undefined;
}

/**
 * --seccomp-policy=image: the profile in the image's io.containers.seccomp.profile
 * label (when it has one and no --security-opt seccomp= is given) is used
 * as if given with --security-opt seccomp=FILE.
 */
async function withImageSeccomp<T>(
  policy: string | undefined,
  labels: Record<string, string> | undefined,
  flags: SecurityFlags,
  plan: (f: SecurityFlags) => Promise<T>,
): Promise<T> {
  const profile = labels?.['io.containers.seccomp.profile'];
  const given = (flags.securityOpt ?? []).some((o) => o.startsWith('seccomp=') || o.startsWith('seccomp:'));
  if (policy !== 'image' || !profile || given) return plan(flags);
  const fs = await import('node:fs/promises');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tsc-run-seccomp-'));
  try {
    const file = path.join(dir, 'profile.json');
    await fs.writeFile(file, profile, { mode: 0o600 });
    return await plan({ ...flags, securityOpt: [...(flags.securityOpt ?? []), `seccomp=${file}`] });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** The image's HEALTHCHECK, unless --health-cmd or --no-healthcheck decided. */
function imageHealth(h: Parameters<typeof imageHealthcheck>[0], input: CreateContainerInput): Pick<ContainerConfig, 'healthcheck'> {
  if (input.noHealthcheck || input.config?.healthcheck) return {};
  const healthcheck = imageHealthcheck(h);
  const onFailure = input.healthOnFailure ?? 'none';
  // podman 4.3 (libpod container_validate): an action needs a health check, the image's will do.
  if (!healthcheck && onFailure !== 'none') throw new TscRunError(`cannot set on-failure action to ${onFailure} without a health check`);
  return healthcheck ? { healthcheck: { ...healthcheck, onFailure } } : {};
}

/**
 * Store the record; when its name was generated (`generated`) and a
 * concurrent create took that name meanwhile, draw another (as podman does)
 * instead of failing. A name the user gave stays an error.
 */
export async function storeWithFreshName(
  store: ContainerStore,
  record: ContainerRecord,
  generated: boolean,
  draw: (taken: ReadonlySet<string>) => string,
): Promise<ContainerRecord> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.create(record);
    } catch (err) {
      if (!generated || !(err instanceof ContainerNameInUseError) || attempt >= 5) throw err;
      record.name = draw(new Set((await store.list()).map((c) => c.name)));
    }
  }
}

export async function createContainer(input: CreateContainerInput): Promise<ContainerRecord> {
  // --rootfs: no image; the directory is the only "layer" files are read from.
  const rootfs = input.rootfs;
  const image = rootfs ? undefined : (input.imageRecord ?? (await new ImageStore(input.dataRoot).lookup(input.image)));
  const blobs = new BlobStore(input.dataRoot);
  const config = image ? parseImageConfig((await blobs.read(`sha256:${image.id}`)).toString('utf8'), `config of image ${image.id}`) : undefined;
  const runtime = config?.config ?? {};
  const layerStore = new LayerStore(input.dataRoot, input.treeOps);
  const layers = image ? await layerStore.stack(image.layers) : [];
  const diffs = rootfs ? [rootfs.path] : layers.map((l) => layerStore.diffDir(l.id)).reverse();

  const { entrypoint, cmd, command } = resolveCommand(runtime, input.flags);
  // Systemd mode: SIGRTMIN+3 stops it unless a stop signal was given (podman's createContainerOptions).
  const systemd = input.systemd !== undefined && usesSystemdMode(input.systemd, command)
    ? { systemd: true, stopSignal: input.config?.stopSignal ?? SYSTEMD_STOP_SIGNAL }
    : {};
  const userSpec = input.flags.user ?? runtime.User ?? '';
  // passwd gives names, the user's default group and HOME; group names groups and supplementary members.
  const passwdText = await readImageFile(diffs, 'etc/passwd');
  const groupAdd = input.groupAdd ?? [];
  const groupText = needsGroupFile(userSpec) || groupAdd.length || input.passwd ? await readImageFile(diffs, 'etc/group') : undefined;
  // --hostuser accounts are users of the container too (podman: `--hostuser NAME --user NAME`).
  const hostLines = (input.passwd?.hostUsers ?? []).map((u) => `${u.name}:*:${u.uid}:${u.gid}:${u.gecos}:${u.home}:/bin/sh\n`).join('');
  const user = resolveUserIds(userSpec, hostLines ? `${passwdText ?? ''}\n${hostLines}` : passwdText, groupText);
  for (const g of groupAdd) {
    const gid = /^\d+$/.test(g) ? Number(g) : parseGroup(groupText ?? '').find((e) => e.name === g)?.gid;
    if (gid === undefined) throw new TscRunError(`unable to find group ${g}: no matching entries in group file`);
    if (!user.additionalGids.includes(gid)) user.additionalGids.push(gid);
  }
  // Bad security flags or seccomp profile: fail before the container exists.
  const security = await withImageSeccomp(input.config?.seccompPolicy, runtime.Labels, input.security ?? {}, (flags) =>
    planContainerSecurity(flags, { uid: user.uid, additionalGids: user.additionalGids }),
  );
  const etcFlags: Partial<Pick<ContainerConfig, 'addHosts' | 'dns' | 'dnsSearch' | 'dnsOptions' | 'noHosts' | 'readOnly' | 'readOnlyTmpfs' | 'ports' | 'publishAll' | 'networkOptions' | 'etcFiles'>> = {};
  if (input.dnsSearch?.length) etcFlags.dnsSearch = [...input.dnsSearch];
  if (input.dnsOptions?.length) etcFlags.dnsOptions = [...input.dnsOptions];
  if (input.noHosts) etcFlags.noHosts = true;
  if (input.addHosts?.length) {
    for (const h of input.addHosts) parseAddHost(h, '0.0.0.0'); // validated now; host-gateway resolved at start
    etcFlags.addHosts = [...input.addHosts];
  }
  if (input.dns?.length) {
    if (!(input.dns.length === 1 && input.dns[0] === 'none')) resolvConfContent({ hostResolvConf: '', namespace: 'host', dns: input.dns });
    etcFlags.dns = [...input.dns];
  }
  if (input.security?.readOnly) Object.assign(etcFlags, { readOnly: true, readOnlyTmpfs: input.security.readOnlyTmpfs !== false });
  // Flags and host paths checked, anonymous volumes named; the image's VOLUMEs become anonymous volumes.
  // --image-volume: the image's VOLUMEs as anonymous volumes (bind, default), tmpfs mounts, or nothing.
  const imageVolumeMode = input.config?.imageVolumeMode ?? 'bind';
  const imageVolumes = Object.keys(runtime.Volumes ?? {});
  const mountFlags = input.mounts ?? {};
  const mounts = planContainerMounts({
    dataRoot: input.dataRoot,
    flags: imageVolumeMode === 'tmpfs' && imageVolumes.length ? { ...mountFlags, tmpfs: [...(mountFlags.tmpfs ?? []), ...imageVolumes] } : mountFlags,
    cwd: input.cwd ?? process.cwd(),
    imageVolumes: imageVolumeMode === 'bind' ? imageVolumes : [],
  });
  if (mounts.length) Object.assign(etcFlags, { mounts });

  if (input.ports?.length || input.publishAll) {
    const { publishedPorts } = await import('../../network/published-ports.js');
    const exposed = { ...runtime.ExposedPorts, ...Object.fromEntries((input.config?.expose ?? []).map((p) => [p, {}])) };
    const ports = await publishedPorts(input.ports ?? [], input.publishAll ? exposed : undefined, { mode: input.network, options: input.networkOptions ?? [] });
    if (ports.length) etcFlags.ports = ports;
    if (input.publishAll) etcFlags.publishAll = true;
  }
  if (input.networkOptions?.length) etcFlags.networkOptions = [...input.networkOptions];

  const workingDir = resolveWorkdir(runtime, input.flags.workdir);
  const etc = input.passwd
    ? passwdAndGroup({
        imagePasswd: passwdText,
        imageGroup: groupText,
        user: userSpec,
        workdir: workingDir,
        currentUser: input.passwd.currentUser,
        hostUsers: input.passwd.hostUsers,
        passwdEntry: input.passwd.entry,
        mountDestinations: mounts.map((m) => m.destination),
      })
    : {};
  // HOME from the entry added for the user (keep-id, --hostuser, a numeric --user), as podman reads it at start.
  const home = etc.passwd ? resolveUserIds(userSpec, etc.passwd, etc.group ?? groupText).home : user.home;
  const etcFiles = [...(etc.passwd ? ['passwd'] : []), ...(etc.group ? ['group'] : []), ...(input.zoneFile ? ['localtime'] : [])];
  if (etcFiles.length) etcFlags.etcFiles = etcFiles;

  const store = new ContainerStore(input.dataRoot);
  const id = newContainerId();
  const hostname = input.hostname || defaultHostname(id);
  const taken = new Set((await store.list()).map((c) => c.name));
  const record: ContainerRecord = {
    id,
    name: input.name || randomContainerName(taken),
    image: image?.id ?? '',
    imageName: image ? (resolvedName(image, input.image) ?? image.names[0] ?? input.image) : '',
    layers: image?.layers ?? [],
    created: nowRfc3339Nano(),
    autoRemove: input.autoRemove,
    config: {
      command,
      entrypoint,
      cmd,
      env: buildEnv(runtime.Env ?? [], input.flags.env, { hostEnv: input.hostEnv ?? process.env, hostname, home }, input.envFlags),
      workingDir: resolveWorkdir(runtime, input.flags.workdir),
      user: userSpec,
      uid: user.uid,
      gid: user.gid,
      hostname,
      network: input.network,
      ...imageHealth(runtime.Healthcheck, input),
      ...input.config,
      ...systemd,
      ...etcFlags,
      ...(input.passwd?.error ? { passwdError: input.passwd.error } : {}),
      ...(rootfs ? { rootfs: rootfs.path, ...(rootfs.overlay ? { rootfsOverlay: true } : {}) } : {}),
    },
    state: { status: 'created' },
    storage: input.storage ?? { driver: 'overlay' },
    ...(input.pod ? { pod: input.pod } : {}),
  };
  if (record.config.systemd) {
    const { checkSystemdHost } = await import('../create-flags/systemd-start.js');
    checkSystemdHost(record);
  }
  const created = await withContainerVolumes(input.dataRoot, mounts, input.treeOps, () =>
    storeWithFreshName(store, record, !input.name, (taken) => randomContainerName(taken)),
  );
  // A container that could not be made whole goes, with the anonymous volumes made for it.
  const discard = async (): Promise<void> => {
    await store.remove(id, input.treeOps.rmtree).catch(() => undefined);
    await removeAnonymousVolumes(input.dataRoot, mounts, () => store.list(), input.treeOps.rmtree).catch(() => undefined);
  };
  try {
    // The root directory's mode, as containers/storage gives it: the image's own when a layer set
    // one (our layer dirs are 0755 otherwise), else 0555 (podman's `/` in an image without a `./` entry).
    if (!rootfs && diffs.length) {
      const top = (await fs.stat(diffs[0]!)).mode & 0o7777;
      await fs.chmod(store.upperDir(id), top === 0o755 ? 0o555 : top);
    }
    await writeContainerSecurity(userdataDir(store.containerDir(id)), security);
    await writeEtcFiles(userdataDir(store.containerDir(id)), { ...etc, zoneFile: input.zoneFile });
  } catch (err) {
    await discard();
    throw err;
  }
  if (record.storage?.driver === 'vfs' && !rootfs) {
    try {
      await makeVfsRootfs(store.rootfsDir(id), layers.map((l) => layerStore.diffDir(l.id)));
    } catch (err) {
      // A container without its root filesystem must not stay behind.
      await discard();
      throw err;
    }
  }
  emitContainer(input.dataRoot, created, 'create');
  return created;
}
