// A pod record and a member record as the pod and kube unit tests take them
// (one definition, each test overriding only what it looks at).

import type { PodRecord } from '../../../src/pod/pod-store.js';
import type { ContainerRecord, ContainerStatus } from '../../../src/storage/containers.js';

export function podRecord(extra: Partial<PodRecord> = {}): PodRecord {
  return {
    id: 'a'.repeat(64),
    name: 'p',
    created: '2026-01-01T00:00:00Z',
    createCommand: [],
    labels: {},
    hostname: 'p',
    share: ['ipc', 'net', 'uts'],
    exitPolicy: 'continue',
    ...extra,
  };
}

/** A container record; `id` is padded to 64 characters; `config` is merged over the defaults (`extra.config` replaces them). */
export function containerRecord(id: string, status: ContainerStatus, extra: Partial<ContainerRecord> = {}, config: Partial<ContainerRecord['config']> = {}): ContainerRecord {
  return {
    id: id.padEnd(64, '0'),
    name: `c-${id}`,
    image: '',
    imageName: '',
    layers: [],
    created: '2026-01-01T00:00:00Z',
    autoRemove: false,
    config: { command: [], entrypoint: [], cmd: [], env: [], workingDir: '/', user: '', uid: 0, gid: 0, hostname: 'h', network: 'pasta', ...config },
    state: { status },
    ...extra,
  };
}
