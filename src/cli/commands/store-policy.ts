// The signature policy for push and save (they copy out of our store, which
// the policy knows as containers-storage): --signature-policy or the
// default file, the run root for messages, and the storage driver on demand.

import type { StorePolicy } from '../../image/policy/enforce.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

export function storePolicyOf(argv: GlobalArgs & { 'signature-policy'?: string | undefined }): StorePolicy {
  const roots = rootsOf(argv);
  return {
    options: { signaturePolicy: argv['signature-policy'], env: process.env },
    runRoot: roots.runRoot,
    driver: async () => {
      const { resolveStorageDriver } = await import('../../host/host-facts.js');
      return (await resolveStorageDriver({ roots, flagDriver: argv['storage-driver'], storageOpts: argv['storage-opt'] })).driver;
    },
  };
}
