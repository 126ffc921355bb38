// Security features podman reports under host.security.

import fs from 'node:fs';
import type { SecurityFacts } from './info-report.js';

/** Podman's default capability set, which containers keep in their bounding set. */
export const DEFAULT_CAPABILITIES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_NET_BIND_SERVICE',
  'CAP_SETFCAP',
  'CAP_SETGID',
  'CAP_SETPCAP',
  'CAP_SETUID',
  'CAP_SYS_CHROOT',
] as const;

function readTrim(p: string): string | undefined {
  try {
    return fs.readFileSync(p, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function readSecurityFacts(): SecurityFacts {
  return {
    apparmorEnabled: readTrim('/sys/module/apparmor/parameters/enabled') === 'Y',
    selinuxEnabled: fs.existsSync('/sys/fs/selinux/enforce'),
    // The helper applies no seccomp filter yet.
    seccompEnabled: false,
    seccompProfilePath: '',
    capabilities: DEFAULT_CAPABILITIES,
  };
}
