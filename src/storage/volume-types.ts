// The shapes volumes and a container's mounts are stored in: volume.json
// (volumes/<name>/volume.json) and the `mounts` of a container's config.

/** volumes/<name>/volume.json. */
export interface VolumeRecord {
  name: string;
  /** Only the local driver exists. */
  driver: 'local';
  /** RFC 3339 with nanoseconds (podman's CreatedAt). */
  createdAt: string;
  labels: Record<string, string>;
  /** --opt as given (type, device, o), plus podman's derived UID/GID keys. */
  options: Record<string, string>;
  /** o=uid=/gid=: the owner given to _data at create. */
  uid?: number;
  gid?: number;
  /** Made for one container (`-v /path`, an image VOLUME): removed with it by rm -v / --rm. */
  anonymous?: boolean;
  /** The first container to mount it copies its image's content at the destination in (podman's copy-up). */
  needsCopyUp: boolean;
  /** The first container to mount it gives _data its user (and the image directory's owner and mode). */
  needsChown: boolean;
}

/**
 * One mount of a container, planned at create. `options` is podman's final
 * list (what HostConfig.Binds/Tmpfs show), e.g. rw,rprivate,nosuid,nodev,rbind.
 */
export type ContainerMount =
  | {
      type: 'volume';
      name: string;
      /** Removed with the container (rm -v, --rm). */
      anonymous?: boolean;
      /** volumes/<name>/_data when planned. */
      source: string;
      destination: string;
      options: string[];
    }
  | { type: 'bind'; source: string; destination: string; options: string[] }
  | { type: 'tmpfs'; destination: string; options: string[] };
