// Which containers are attached to a network (from their records). Pure.

import type { ContainerRecord } from '../../storage/containers.js';

export function networkUsers(containers: readonly ContainerRecord[], name: string): ContainerRecord[] {
  return containers.filter((c) => c.config.networks !== undefined && Object.hasOwn(c.config.networks, name));
}
