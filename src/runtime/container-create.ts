// Create a container: resolve the image, work out its command, environment,
// user and working directory (run-spec.ts), and store the record with empty
// overlay upper/work dirs. Nothing runs yet.

import { parseImageConfig } from '../image/oci.js';
import { BlobStore } from '../storage/blob-store.js';
import { ContainerStore, newContainerId, type ContainerRecord, type ContainerStorage } from '../storage/containers.js';
import { ImageStore } from '../storage/images.js';
import type { TreeOps } from '../storage/layers/layer-store.js';
import { LayerStore } from '../storage/layers/layer-store.js';
import { randomContainerName } from './container-names.js';
import { makeVfsRootfs } from './container-rootfs.js';
import { readImageFile } from './image-files.js';
import {
  buildEnv,
  defaultHostname,
  parseGroup,
  parsePasswd,
  resolveCommand,
  resolveUser,
  resolveWorkdir,
  type RunFlags,
} from './run-spec.js';

export interface CreateContainerInput {
  dataRoot: string;
  /** Name or id of the image, as the user typed it. */
  image: string;
  name?: string | undefined;
  flags: RunFlags;
  hostname?: string | undefined;
  network: 'host' | 'none';
  autoRemove: boolean;
  treeOps: TreeOps;
  hostEnv?: Readonly<Record<string, string | undefined>>;
  /** From resolveContainerStorage(); default native overlay. */
  storage?: ContainerStorage | undefined;
}

export async function createContainer(input: CreateContainerInput): Promise<ContainerRecord> {
  const image = await new ImageStore(input.dataRoot).lookup(input.image);
  const blobs = new BlobStore(input.dataRoot);
  const config = parseImageConfig((await blobs.read(`sha256:${image.id}`)).toString('utf8'), `config of image ${image.id}`);
  const runtime = config.config ?? {};
  const layerStore = new LayerStore(input.dataRoot, input.treeOps);
  const layers = await layerStore.stack(image.layers);
  const diffs = layers.map((l) => layerStore.diffDir(l.id)).reverse();

  const { entrypoint, cmd, command } = resolveCommand(runtime, input.flags);
  const userSpec = input.flags.user ?? runtime.User ?? '';
  // passwd gives names, the user's default group and HOME; group only names groups.
  const passwdText = await readImageFile(diffs, 'etc/passwd');
  const groupText = /:.*\D/.test(userSpec) ? await readImageFile(diffs, 'etc/group') : undefined;
  const user = resolveUser(userSpec, passwdText === undefined ? undefined : parsePasswd(passwdText), groupText === undefined ? undefined : parseGroup(groupText));

  const store = new ContainerStore(input.dataRoot);
  const id = newContainerId();
  const hostname = input.hostname || defaultHostname(id);
  const taken = new Set((await store.list()).map((c) => c.name));
  const record: ContainerRecord = {
    id,
    name: input.name || randomContainerName(taken),
    image: image.id,
    imageName: image.names[0] ?? input.image,
    layers: image.layers,
    created: new Date().toISOString(),
    autoRemove: input.autoRemove,
    config: {
      command,
      entrypoint,
      cmd,
      env: buildEnv(runtime.Env ?? [], input.flags.env, { hostEnv: input.hostEnv ?? process.env, hostname, home: user.home }),
      workingDir: resolveWorkdir(runtime, input.flags.workdir),
      user: userSpec,
      uid: user.uid,
      gid: user.gid,
      hostname,
      network: input.network,
    },
    state: { status: 'created' },
    storage: input.storage ?? { driver: 'overlay' },
  };
  const created = await store.create(record);
  if (record.storage?.driver === 'vfs') {
    try {
      await makeVfsRootfs(store.rootfsDir(id), layers.map((l) => layerStore.diffDir(l.id)));
    } catch (err) {
      // A container without its root filesystem must not stay behind.
      await store.remove(id, input.treeOps.rmtree).catch(() => undefined);
      throw err;
    }
  }
  return created;
}
