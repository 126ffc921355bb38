// podman 4.3's spec annotations for --security-opt (inspect's
// HostConfig.SecurityOpt is read back from them), its refusals of apparmor
// profiles where AppArmor is off and of proc-opts, and containers.conf's
// runtime check. Expected values are podman 4.3.1's on this machine.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConfRuntime, confRuntimeFound } from '../../../src/host/conf-files.js';
import { parseSecurityOpts, securityOptAnnotations } from '../../../src/runtime/security/security-args.js';

describe('--security-opt annotations', () => {
  it('label values accumulate joined by ",label=", seccomp and apparmor keep the last; ":" is the old separator', () => {
    expect(securityOptAnnotations(['label=type:foo_t', 'label=level:s0', 'apparmor=unconfined', 'no-new-privileges'])).toEqual({
      'io.podman.annotations.label': 'type:foo_t,label=level:s0',
      'io.podman.annotations.apparmor': 'unconfined',
    });
    expect(securityOptAnnotations(['label:disable', 'seccomp:unconfined', 'seccomp=/p.json', 'mask=/a'])).toEqual({
      'io.podman.annotations.label': 'disable',
      'io.podman.annotations.seccomp': '/p.json',
    });
    expect(securityOptAnnotations(undefined)).toEqual({});
  });

  it.runIf(!fs.existsSync('/sys/module/apparmor/parameters/enabled'))('an apparmor profile other than unconfined is refused without AppArmor, as podman', () => {
    expect(() => parseSecurityOpts(['apparmor=foo'])).toThrow('apparmor profile "foo" specified, but Apparmor is not enabled on this system');
    expect(parseSecurityOpts(['apparmor=unconfined']).seccomp).toEqual({ kind: 'default' });
  });

  it('proc-opts is refused (the helper mounts /proc with default options), not ignored', () => {
    expect(() => parseSecurityOpts(['proc-opts=hidepid=2'])).toThrow(/proc-opts is not supported/);
  });

  it('a key is split at "=" when there is one, as podman (seccomp:/a=b is no seccomp key)', () => {
    expect(() => parseSecurityOpts(['seccomp:/a=b'])).toThrow('invalid --security-opt 2: "seccomp:/a=b"');
  });
});

describe("containers.conf's runtime", () => {
  const conf = (text: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sweep-conf-'));
    const file = path.join(dir, 'containers.conf');
    fs.writeFileSync(file, text);
    return { CONTAINERS_CONF: file };
  };

  it('a runtime podman cannot find fails with its message; known names, our own and none pass', async () => {
    await expect(checkConfRuntime(undefined, conf('[engine]\nruntime = "nosuch"\n'))).rejects.toThrow('default OCI runtime "nosuch" not found: invalid argument');
    for (const ok of ['[engine]\nruntime = "crun"\n', '[engine]\nruntime = "tsc-run-helper"\n', '[engine]\n# runtime = "nosuch"\n', '[engine.runtimes]\nmine = ["/x"]\n[engine]\nruntime = "mine"\n']) {
      await expect(checkConfRuntime(undefined, conf(ok))).resolves.toBeUndefined();
    }
    // --runtime replaces the file's value (checked with the global flags).
    await expect(checkConfRuntime('tsc-run-helper', conf('[engine]\nruntime = "nosuch"\n'))).resolves.toBeUndefined();
  });

  it('paths count when they exist', () => {
    expect(confRuntimeFound('/bin/sh', {})).toBe(true);
    expect(confRuntimeFound('/no/such/runtime', {})).toBe(false);
  });
});
