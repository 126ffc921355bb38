// `--pull` of run/create (and build): podman's (containers/common's) policy
// names, case-insensitive, with their Kubernetes spellings. Pure.

import { UsageError } from '../../errors.js';

export type PullPolicy = 'always' | 'missing' | 'never' | 'newer';

export function parsePullPolicy(s: string | undefined): PullPolicy {
  switch ((s ?? '').toLowerCase()) {
    case 'always':
      return 'always';
    case '':
    case 'missing':
    case 'ifmissing':
    case 'ifnotpresent':
      return 'missing';
    case 'newer':
    case 'ifnewer':
      return 'newer';
    case 'never':
      return 'never';
    default:
      throw new UsageError(`unsupported pull policy ${JSON.stringify(s)}`);
  }
}
