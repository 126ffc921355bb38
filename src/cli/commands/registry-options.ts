// The registry flags as the options the registry code takes (loaded by
// handlers only: it pulls in the registry client).

import { parseCreds, type RemoteOptions } from '../../image/registry/remote.js';
import type { RegistryFlagArgs } from './registry-flags.js';

export function remoteOptions(argv: RegistryFlagArgs): RemoteOptions {
  return {
    tlsVerify: argv['tls-verify'],
    certDir: argv['cert-dir'],
    authfile: argv.authfile,
    creds: argv.creds !== undefined ? parseCreds(String(argv.creds)) : undefined,
    env: process.env,
    signaturePolicy: argv['signature-policy'],
  };
}
