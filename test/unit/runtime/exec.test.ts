import { describe, expect, it } from 'vitest';
import { capabilitySets, type CapabilitySets } from '../../../src/runtime/security/capabilities.js';
import { execHelperArgs, type ExecSpec } from '../../../src/runtime/exec/exec-args.js';
import { execCapabilities } from '../../../src/runtime/exec/exec-caps.js';

const rootCtr = capabilitySets({ uid: 0, lastCap: 40 });
const userCtr = capabilitySets({ uid: 1000, lastCap: 40, capAdd: ['NET_RAW'] });
const none: CapabilitySets['ambient'] = [];

describe('exec capabilities (podman prepareProcessExec)', () => {
  it('root in a root container: the container\'s bounding set everywhere it has effect, none inheritable', () => {
    expect(rootCtr.bounding).toHaveLength(11);
    expect(execCapabilities({ container: rootCtr, uid: 0, sameUser: true, privileged: false, lastCap: 40 })).toEqual({
      bounding: rootCtr.bounding,
      effective: rootCtr.bounding,
      permitted: rootCtr.bounding,
      inheritable: none,
      ambient: none,
    });
  });
  it('--privileged: every capability up to cap_last_cap', () => {
    const p = execCapabilities({ container: rootCtr, uid: 0, sameUser: true, privileged: true, lastCap: 40 });
    expect(p.bounding).toHaveLength(41);
    expect(p.effective).toEqual(p.bounding);
  });
  it('the container\'s own non-root user keeps its added caps, as ambient too', () => {
    const c = execCapabilities({ container: userCtr, uid: 1000, sameUser: true, privileged: false, lastCap: 40 });
    expect([c.effective, c.permitted, c.inheritable, c.ambient]).toEqual([['CAP_NET_RAW'], ['CAP_NET_RAW'], ['CAP_NET_RAW'], ['CAP_NET_RAW']]);
  });
  it('another non-root user: nothing survives execve (no inheritable, no ambient)', () => {
    const c = execCapabilities({ container: rootCtr, uid: 1000, sameUser: false, privileged: false, lastCap: 40 });
    expect([c.inheritable, c.ambient]).toEqual([none, none]);
    expect(c.bounding).toEqual(rootCtr.bounding);
  });
});

describe('exec helper arguments', () => {
  const spec: ExecSpec = {
    pid: 4242,
    pidStartTime: 777,
    cwd: '/work',
    uid: 1000,
    gid: 1000,
    groups: [10, 20],
    env: ['PATH=/bin', 'A=b c'],
    tty: true,
    stdin: true,
    detach: false,
    ttySize: { rows: 30, cols: 100 },
    detachKeys: Uint8Array.from([16, 17]),
    caps: { bounding: ['CAP_CHOWN', 'CAP_KILL'], effective: [], permitted: [], inheritable: [], ambient: [] },
    noNewPrivs: true,
    seccompRules: '/data/c/userdata/seccomp.rules',
    seccompCache: '/cache/seccomp',
    exitFile: '/run/c/exec/s.exit',
    exitCommand: ['/bin/tsc-run', 'container', 'cleanup', '--exec', 's', 'c'],
    command: ['sh', '-c', 'echo hi'],
  };
  it('every option, the command after --', () => {
    expect(execHelperArgs(spec)).toEqual([
      '--pid', '4242', '--pid-start-time', '777', '--cwd', '/work', '--user', '1000:1000', '--groups=10,20',
      '--env', 'PATH=/bin', '--env', 'A=b c', '--tty', '--tty-size', '30:100', '--stdin', '--detach-keys', '1011',
      '--cap-bounding=0,5', '--cap-permitted=', '--cap-effective=', '--cap-inheritable=', '--cap-ambient=',
      '--no-new-privs', '--seccomp', '/data/c/userdata/seccomp.rules', '--seccomp-cache', '/cache/seccomp',
      '--sync-fd', '4', '--exit-file', '/run/c/exec/s.exit',
      '--exit-command', '/bin/tsc-run', '--exit-command-arg', 'container', '--exit-command-arg', 'cleanup', '--exit-command-arg', '--exec', '--exit-command-arg', 's', '--exit-command-arg', 'c',
      '--', 'sh', '-c', 'echo hi',
    ]);
  });
  it('exec -i without a tty: no detach keys (they would cut a binary stream)', () => {
    const a = execHelperArgs({ ...spec, tty: false });
    expect(a).toContain('--stdin');
    expect(a).not.toContain('--detach-keys');
  });
  it('detach keys only where our stdin feeds the command; no groups, no filter when there are none', () => {
    const a = execHelperArgs({ ...spec, detach: true, groups: [], seccompRules: undefined, tty: false });
    expect(a).toContain('--detach');
    expect(a).not.toContain('--detach-keys');
    expect(a).not.toContain('--seccomp');
    expect(a).not.toContain('--tty-size');
    expect(a.some((x) => x.startsWith('--groups'))).toBe(false);
  });
});
