import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { capabilityMask, capabilitySets, normalizeCapability, DEFAULT_CAPABILITIES } from '../../../src/runtime/security/capabilities.js';
import { compileSeccompProfile, kernelAtLeast, parseSeccompProfile, type SeccompProfile } from '../../../src/runtime/security/seccomp-profile.js';
import defaultProfile from '../../../src/runtime/security/seccomp-default.json' with { type: 'json' };
import {
  DEFAULT_MASKED_PATHS,
  DEFAULT_READONLY_PATHS,
  parseSecurityOpts,
  resolveSecurity,
  securityHelperArgs,
  type ContainerSecurity,
} from '../../../src/runtime/security/security-args.js';

describe('capabilities (podman 4 + crun, as measured in /proc/self/status)', () => {
  it('root gets the default list in bounding, permitted and effective', () => {
    const s = capabilitySets({ uid: 0, lastCap: 40 });
    expect(capabilityMask(s.bounding)).toBe('00000000800405fb');
    expect(s.permitted).toEqual(s.bounding);
    expect(s.effective).toEqual(s.bounding);
    expect(s.inheritable).toEqual([]);
    expect(s.ambient).toEqual([]);
    expect(s.bounding).toHaveLength(DEFAULT_CAPABILITIES.length);
  });
  it('--cap-add/--cap-drop change the bounding set; names in any case, with or without CAP_, comma lists', () => {
    const s = capabilitySets({ uid: 0, lastCap: 40, capAdd: ['net_admin'], capDrop: ['CAP_CHOWN'] });
    expect(capabilityMask(s.bounding)).toBe('00000000800415fa');
    expect(capabilityMask(capabilitySets({ uid: 0, lastCap: 40, capAdd: ['NET_ADMIN,sys_time'] }).bounding)).toBe('00000000820415fb');
  });
  it('a non-root user gets only the explicitly added caps, in every set including ambient', () => {
    const s = capabilitySets({ uid: 1000, lastCap: 40, capAdd: ['NET_ADMIN', 'SYS_TIME'] });
    expect(capabilityMask(s.bounding)).toBe('00000000820415fb');
    for (const set of [s.permitted, s.effective, s.inheritable, s.ambient]) expect(capabilityMask(set)).toBe('0000000002001000');
    const all = capabilitySets({ uid: 1000, lastCap: 40, capAdd: ['ALL'] });
    expect([all.bounding, all.effective, all.ambient].map(capabilityMask)).toEqual(['000001ffffffffff', '000001ffffffffff', '000001ffffffffff']);
    const none = capabilitySets({ uid: 1000, lastCap: 40 });
    expect(none.effective).toEqual([]);
    expect(none.ambient).toEqual([]);
  });
  it('--cap-drop ALL empties everything; caps added explicitly stay', () => {
    expect(capabilitySets({ uid: 0, lastCap: 40, capDrop: ['ALL'] }).bounding).toEqual([]);
    const s = capabilitySets({ uid: 1000, lastCap: 40, capDrop: ['all'], capAdd: ['KILL'] });
    expect(capabilityMask(s.bounding)).toBe('0000000000000020');
    expect(capabilityMask(s.ambient)).toBe('0000000000000020');
  });
  it('--privileged: every cap up to cap_last_cap, bounding only for non-root', () => {
    expect(capabilityMask(capabilitySets({ uid: 0, lastCap: 40, privileged: true }).effective)).toBe('000001ffffffffff');
    expect(capabilityMask(capabilitySets({ uid: 0, lastCap: 37, privileged: true }).bounding)).toBe('0000003fffffffff');
    const u = capabilitySets({ uid: 1000, lastCap: 40, privileged: true });
    expect(capabilityMask(u.bounding)).toBe('000001ffffffffff');
    expect(u.effective).toEqual([]);
  });
  it('unknown names are refused in podman words', () => {
    expect(() => normalizeCapability('FOO')).toThrow('"CAP_FOO": unknown capability');
  });
});

const ctx = { capabilities: ['CAP_CHOWN', 'CAP_SYS_CHROOT'], goArch: 'amd64', kernelRelease: '6.1.0-18-amd64' };

describe('compileSeccompProfile', () => {
  it('turns actions, errno defaults, args and archMap into the rules format', () => {
    const p: SeccompProfile = {
      defaultAction: 'SCMP_ACT_ERRNO',
      defaultErrnoRet: 38,
      archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] }, { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] }],
      syscalls: [
        { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
        { names: ['vmsplice'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 },
        { names: ['ptrace'], action: 'SCMP_ACT_ERRNO' },
        { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, valueTwo: 0, op: 'SCMP_CMP_EQ' }] },
        { names: ['socket'], action: 'SCMP_ACT_ERRNO', errnoRet: 22, args: [{ index: 0, value: 16, op: 'SCMP_CMP_EQ' }, { index: 2, value: 9, op: 'SCMP_CMP_EQ' }] },
        { names: ['x'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, value: 1, op: 'SCMP_CMP_EQ' }, { index: 1, value: 2, op: 'SCMP_CMP_EQ' }] },
        { names: ['mmap'], action: 'SCMP_ACT_KILL_PROCESS', args: [{ index: 2, value: 4, valueTwo: 4, op: 'SCMP_CMP_MASKED_EQ' }] },
        { names: ['same'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
      ],
    };
    expect(compileSeccompProfile(p, ctx)).toBe(
      [
        'default errno:38',
        'arch x86',
        'arch x32',
        'rule allow read',
        'rule allow write',
        'rule errno:1 vmsplice',
        'rule errno:1 ptrace',
        'rule allow personality 0:eq:8:0',
        'rule errno:22 socket 0:eq:16:0 2:eq:9:0',
        'rule allow x 1:eq:1:0',
        'rule allow x 1:eq:2:0',
        'rule kill-process mmap 2:masked_eq:4:4',
        '',
      ].join('\n'),
    );
  });
  it('includes/excludes: caps against the bounding set, arches against GOARCH, minKernel against the release', () => {
    const p: SeccompProfile = {
      defaultAction: 'SCMP_ACT_ERRNO',
      defaultErrnoRet: 38,
      syscalls: [
        { names: ['chroot'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_CHROOT'] } },
        { names: ['acct'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_PACCT'] } },
        { names: ['acct'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, excludes: { caps: ['CAP_SYS_PACCT'] } },
        { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64', 'x32'] } },
        { names: ['set_tls'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['arm64'] } },
        { names: ['new_one'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '6.2' } },
        { names: ['old_one'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '5.4' } },
      ],
    };
    expect(compileSeccompProfile(p, ctx)).toBe('default errno:38\nrule allow chroot\nrule errno:1 acct\nrule allow arch_prctl\nrule allow old_one\n');
  });
  it('refuses what it cannot express instead of weakening the filter', () => {
    expect(() => compileSeccompProfile({ defaultAction: 'SCMP_ACT_NOTIFY' }, ctx)).toThrow('unsupported seccomp action');
    expect(() => compileSeccompProfile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['a'], action: 'SCMP_ACT_ERRNO', args: [{ index: 7, value: 1, op: 'SCMP_CMP_EQ' }] }] }, ctx)).toThrow('invalid seccomp argument');
    expect(() => compileSeccompProfile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['a b'], action: 'SCMP_ACT_ERRNO' }] }, ctx)).toThrow('invalid syscall name');
    expect(() => parseSeccompProfile('{', 'p.json')).toThrow('decoding seccomp profile failed (p.json)');
    expect(() => parseSeccompProfile('{"syscalls":[]}', 'p.json')).toThrow('no defaultAction');
  });
  it('kernelAtLeast compares dotted numbers', () => {
    expect(kernelAtLeast('6.18.44-fc', '6.18')).toBe(true);
    expect(kernelAtLeast('5.10.0', '5.9')).toBe(true);
    expect(kernelAtLeast('5.10.0', '5.11')).toBe(false);
  });
});

describe('our default seccomp profile', () => {
  const rules = compileSeccompProfile(defaultProfile, {
    capabilities: capabilitySets({ uid: 0, lastCap: 40 }).bounding,
    goArch: 'amd64',
    kernelRelease: '6.1.0',
  });
  const lines = rules.trim().split('\n');
  const action = (name: string) => lines.filter((l) => l.split(' ')[2] === name).map((l) => l.split(' ').slice(1).join(' '));
  it('unknown syscalls get ENOSYS; x86 and x32 are filtered too', () => {
    expect(lines[0]).toBe('default errno:38');
    expect(lines).toContain('arch x86');
    expect(lines).toContain('arch x32');
  });
  it('allows what programs need and what a container root with the default caps may do', () => {
    for (const s of ['read', 'execve', 'clone3', 'keyctl', 'unshare', 'mount', 'chroot', 'arch_prctl', 'close_range', 'capset']) {
      expect(action(s), s).toEqual([`allow ${s}`]);
    }
    // Listed twice, as in podman's: libseccomp keeps the first unconditional rule.
    expect(action('setns')).toEqual(['allow setns', 'errno:1 setns']);
  });
  it('refuses with EPERM what podman refuses', () => {
    for (const s of ['vmsplice', 'userfaultfd', 'kexec_load', 'swapon', 'bpf', 'perf_event_open', 'init_module', 'acct', 'iopl', 'settimeofday', 'open_by_handle_at']) {
      expect(action(s), s).toEqual([`errno:1 ${s}`]);
    }
    expect(action('add_key')).toEqual([]); // → the default, ENOSYS
    expect(action('request_key')).toEqual([]);
    expect(action('socket')).toEqual(['errno:22 socket 0:eq:16:0 2:eq:9:0', 'allow socket 2:ne:9:0', 'allow socket 0:ne:16:0']);
    expect(action('personality')).toHaveLength(5);
  });
  it('names the same syscalls as podman\'s profile where it is installed', () => {
    const ref = '/usr/share/containers/seccomp.json';
    if (!fs.existsSync(ref)) return;
    const theirs = compileSeccompProfile(JSON.parse(fs.readFileSync(ref, 'utf8')) as SeccompProfile, {
      capabilities: capabilitySets({ uid: 0, lastCap: 40 }).bounding,
      goArch: 'amd64',
      kernelRelease: '6.1.0',
    });
    const sortedRules = (t: string) => [...new Set(t.trim().split('\n').filter((l) => l.startsWith('rule')))].sort();
    expect(sortedRules(rules)).toEqual(sortedRules(theirs));
  });
});

describe('--security-opt and the resolved settings', () => {
  it('parses podman\'s keys and refuses others in its words', () => {
    expect(parseSecurityOpts(['no-new-privileges', 'seccomp=unconfined', 'mask=/a:/b', 'unmask=/proc/keys', 'label=disable'])).toEqual({
      noNewPrivileges: true,
      seccomp: { kind: 'unconfined' },
      mask: ['/a', '/b'],
      unmask: ['/proc/keys'],
    });
    expect(parseSecurityOpts(['no-new-privileges=false']).noNewPrivileges).toBe(false);
    expect(parseSecurityOpts(['seccomp=/x/p.json']).seccomp).toEqual({ kind: 'profile', path: '/x/p.json' });
    expect(() => parseSecurityOpts(['bogus'])).toThrow('invalid --security-opt 1: "bogus"');
    expect(() => parseSecurityOpts(['foo=bar'])).toThrow('invalid --security-opt 2: "foo=bar"');
    expect(() => parseSecurityOpts(['mask=rel'])).toThrow('"rel" is not an absolute path');
  });
  it('defaults: podman\'s masked and read-only paths, default seccomp, no no_new_privs', () => {
    const s = resolveSecurity({}, { uid: 0, lastCap: 40 });
    expect(s.maskedPaths).toEqual(DEFAULT_MASKED_PATHS);
    expect(s.maskedPaths).toEqual(expect.arrayContaining(['/proc/kcore', '/proc/keys', '/proc/timer_list', '/sys/firmware', '/proc/acpi', '/proc/scsi']));
    expect(s.readonlyPaths).toEqual(DEFAULT_READONLY_PATHS);
    expect(s.seccomp).toEqual({ kind: 'default' });
    expect(s.noNewPrivileges).toBe(false);
    expect(s.tmpfs).toEqual([]);
  });
  it('--privileged: nothing masked, no seccomp unless asked; unmask=ALL; --read-only with and without its tmpfs', () => {
    const p = resolveSecurity({ privileged: true }, { uid: 0, lastCap: 40 });
    expect(p.maskedPaths).toEqual([]);
    expect(p.readonlyPaths).toEqual([]);
    expect(p.seccomp).toEqual({ kind: 'unconfined' });
    expect(resolveSecurity({ privileged: true, securityOpt: ['seccomp=/p.json'] }, { uid: 0, lastCap: 40 }).seccomp.kind).toBe('profile');
    expect(resolveSecurity({ securityOpt: ['systempaths=unconfined'] }, { uid: 0, lastCap: 40 }).maskedPaths).toEqual([]);
    expect(() => parseSecurityOpts(['systempaths=x'])).toThrow('invalid systempaths option');
    const u = resolveSecurity({ securityOpt: ['unmask=ALL', 'mask=/x'] }, { uid: 0, lastCap: 40 });
    expect(u.maskedPaths).toEqual(['/x']);
    expect(u.readonlyPaths).toEqual([]);
    expect(resolveSecurity({ securityOpt: ['unmask=/proc/sys:/proc/keys'] }, { uid: 0, lastCap: 40 }).readonlyPaths).not.toContain('/proc/sys');
    expect(resolveSecurity({ readOnly: true }, { uid: 0, lastCap: 40 }).tmpfs).toEqual(['/tmp', '/var/tmp', '/run']);
    expect(resolveSecurity({ readOnly: true, readOnlyTmpfs: false }, { uid: 0, lastCap: 40 }).tmpfs).toEqual([]);
  });
  it('helper arguments', () => {
    const { seccomp: _, ...s } = resolveSecurity({ capDrop: ['ALL'], capAdd: ['KILL'], securityOpt: ['no-new-privileges', 'unmask=ALL'], readOnly: true }, { uid: 0, lastCap: 40 });
    const sec: ContainerSecurity = { ...s, seccompRules: '/u/seccomp.rules' };
    expect(securityHelperArgs(sec)).toEqual([
      '--cap-bounding=5',
      '--cap-permitted=5',
      '--cap-effective=5',
      '--cap-inheritable=',
      '--cap-ambient=',
      '--no-new-privs',
      '--seccomp',
      '/u/seccomp.rules',
      '--tmpfs',
      '/tmp',
      '--tmpfs',
      '/var/tmp',
      '--tmpfs',
      '/run',
      '--read-only',
    ]);
  });
});
