// Rootless network backends on this host: pasta (from passt) and
// slirp4netns, and which one containers get by default (pasta when
// installed, like podman 5).

import { findExecutable, readWritable } from './executables.js';
import type { HostCache } from './host-cache.js';
import { programVersion } from './program-version.js';

/** podman's host.pasta / host.slirp4netns. */
export interface NetworkProgramInfo {
  executable: string;
  package: string;
  version: string;
}

export type RootlessNetwork = 'pasta' | 'slirp4netns' | 'none';

export interface NetworkFacts {
  pasta?: NetworkProgramInfo;
  slirp4netns?: NetworkProgramInfo;
  /** What `--network` defaults to for rootless containers. */
  defaultNetwork: RootlessNetwork;
  /** Both backends open /dev/net/tun inside the container's user namespace. */
  devNetTunRW: boolean;
}

/** Pure: pasta if present, else slirp4netns, else none. */
export function defaultRootlessNetwork(pasta: boolean, slirp4netns: boolean): RootlessNetwork {
  return pasta ? 'pasta' : slirp4netns ? 'slirp4netns' : 'none';
}

function describe(name: string, cache: HostCache): NetworkProgramInfo | undefined {
  const executable = findExecutable(name);
  if (!executable) return undefined;
  // `package` would cost a dpkg/rpm query per run; podman prints it, we leave it empty.
  return { executable, package: '', version: programVersion(executable, cache) };
}

export function probeNetwork(cache: HostCache): NetworkFacts {
  const pasta = describe('pasta', cache);
  const slirp4netns = describe('slirp4netns', cache);
  const facts: NetworkFacts = {
    defaultNetwork: defaultRootlessNetwork(!!pasta, !!slirp4netns),
    devNetTunRW: readWritable('/dev/net/tun'),
  };
  if (pasta) facts.pasta = pasta;
  if (slirp4netns) facts.slirp4netns = slirp4netns;
  return facts;
}
