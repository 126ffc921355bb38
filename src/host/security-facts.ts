// Security features podman reports under host.security.

import fs from 'node:fs';
import { DEFAULT_CAPABILITIES } from '../config/default-capabilities.js';
import type { SecurityFacts } from './info-report.js';

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
