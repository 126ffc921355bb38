// Flags every registry command shares (pull, push, login): --authfile,
// --cert-dir, --creds, --tls-verify. Light: only yargs option definitions.

import type { Argv } from 'yargs';

export interface RegistryFlagArgs {
  authfile?: string;
  'cert-dir'?: string;
  creds?: string;
  'tls-verify'?: boolean;
  'signature-policy'?: string;
}

/** podman's hidden --signature-policy (pull, push, load, save, run, create): the policy.json to use. */
export const SIGNATURE_POLICY_DESCRIBE = 'Path to a signature-policy file';

export function registryFlags<T>(y: Argv<T>, o: { creds?: boolean; signaturePolicy?: boolean } = {}): Argv<T & RegistryFlagArgs> {
  let out = y
    .option('authfile', { type: 'string', requiresArg: true, describe: 'Path of the authentication file. Use REGISTRY_AUTH_FILE environment variable to override' })
    .option('cert-dir', { type: 'string', requiresArg: true, describe: 'Path to a directory containing TLS certificates and keys (*.crt, *.cert, *.key)' })
    .option('tls-verify', { type: 'boolean', describe: 'Require HTTPS and verify certificates when contacting registries' });
  if (o.creds !== false) {
    out = out.option('creds', { type: 'string', requiresArg: true, describe: 'Use USERNAME[:PASSWORD] for accessing the registry' });
  }
  if (o.signaturePolicy) {
    out = out.option('signature-policy', { type: 'string', requiresArg: true, hidden: true, describe: SIGNATURE_POLICY_DESCRIBE });
  }
  return out;
}
