import { describe, expect, it } from 'vitest';
import { HostPrerequisiteError } from '../../src/errors.js';
import { diagnoseHost, isIdentityMap, type HostFacts } from '../../src/host/preflight.js';

const tool = (p: string) => ({ path: p, setuid: true, fileCaps: undefined });

const OK: HostFacts = {
  euid: 1001,
  user: 'tsctest',
  initialUserNs: true,
  usernsConfigured: false,
  maxUserNamespaces: 15000,
  unprivilegedUsernsClone: undefined,
  apparmorRestrictsUserns: undefined,
  newuidmap: tool('/usr/bin/newuidmap'),
  newgidmap: tool('/usr/bin/newgidmap'),
  subuid: [{ start: 100000, count: 65536 }],
  subgid: [{ start: 100000, count: 65536 }],
};

function fixFor(f: Partial<HostFacts>): string | undefined {
  try {
    diagnoseHost({ ...OK, ...f });
  } catch (e) {
    expect(e).toBeInstanceOf(HostPrerequisiteError);
    return (e as HostPrerequisiteError).fix ?? `no fix: ${(e as Error).message}`;
  }
  return undefined;
}

describe('diagnoseHost', () => {
  it('plans a rootless namespace with the tools found', () => {
    expect(diagnoseHost(OK)).toEqual({ kind: 'rootless', newuidmap: '/usr/bin/newuidmap', newgidmap: '/usr/bin/newgidmap' });
  });

  it('needs no namespace as root or inside a configured one', () => {
    expect(diagnoseHost({ ...OK, euid: 0, subuid: [] })).toEqual({ kind: 'none' });
    expect(diagnoseHost({ ...OK, euid: 0, initialUserNs: false, usernsConfigured: true })).toEqual({ kind: 'none' });
  });

  it('refuses a foreign user namespace with a clear message', () => {
    expect(() => diagnoseHost({ ...OK, initialUserNs: false })).toThrow(/inside a user namespace it did not create/);
  });

  it('gives the exact fix for each missing prerequisite', () => {
    expect(fixFor({ subuid: [] })).toBe('sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 tsctest');
    expect(fixFor({ subgid: [] })).toBe('sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 tsctest');
    expect(fixFor({ newuidmap: undefined })).toBe('sudo apt-get install uidmap');
    expect(fixFor({ newgidmap: undefined })).toBe('sudo apt-get install uidmap');
    expect(fixFor({ newuidmap: { path: '/usr/bin/newuidmap', setuid: false, fileCaps: false } })).toBe(
      'sudo chmod u+s /usr/bin/newuidmap /usr/bin/newgidmap',
    );
    expect(fixFor({ maxUserNamespaces: 0 })).toBe('sudo sysctl -w user.max_user_namespaces=15000');
    expect(fixFor({ unprivilegedUsernsClone: 0 })).toBe('sudo sysctl -w kernel.unprivileged_userns_clone=1');
    expect(fixFor({ apparmorRestrictsUserns: 1 })).toBe('sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0');
  });

  it('accepts map tools with file capabilities instead of setuid, or when that cannot be checked', () => {
    expect(fixFor({ newuidmap: { path: '/usr/bin/newuidmap', setuid: false, fileCaps: true } })).toBeUndefined();
    expect(fixFor({ newuidmap: { path: '/usr/bin/newuidmap', setuid: false, fileCaps: undefined } })).toBeUndefined();
  });

  it('names the user and the file in the message', () => {
    expect(() => diagnoseHost({ ...OK, subuid: [] })).toThrow('no subordinate uid range for user tsctest in /etc/subuid');
    expect(() => diagnoseHost({ ...OK, subuid: [], subgid: [] })).toThrow('no subordinate uid and gid range for user tsctest in /etc/subuid and /etc/subgid');
  });
});

describe('isIdentityMap', () => {
  it('recognises the initial namespace in the kernel alignment', () => {
    expect(isIdentityMap('         0          0 4294967295\n')).toBe(true);
    expect(isIdentityMap('         0       1001          1\n         1     100000      65536\n')).toBe(false);
    expect(isIdentityMap('0 0 1000\n')).toBe(false);
  });
});
