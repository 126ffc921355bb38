import { describe, expect, it } from 'vitest';
import { memberJoins, parseShare } from '../../../src/pod/pod-share.js';
import { podStatus, inspectPod, podListJson, podPsColumns } from '../../../src/pod/pod-views.js';
import { podFilter } from '../../../src/pod/pod-filter.js';
import { missingHostsLines } from '../../../src/pod/pod-hosts.js';
import { parseExitPolicy } from '../../../src/pod/pod-create.js';
import { containerRecord, podRecord } from './fixtures.js';

const ctr = containerRecord;

const pod = podRecord({ name: 'web', created: '2026-01-01T00:00:00.123Z', createCommand: ['tsc-run', 'pod', 'create'], labels: { app: 'x' }, hostname: 'web', infraId: '1'.padEnd(64, '0') });

describe('--share', () => {
  it('defaults, +pid, none, and refusals', () => {
    expect(parseShare(undefined)).toEqual(['ipc', 'net', 'uts']);
    expect(parseShare('+pid')).toEqual(['ipc', 'net', 'pid', 'uts']);
    expect(parseShare('none')).toEqual([]);
    expect(parseShare('net,pid')).toEqual(['net', 'pid']);
    expect(parseShare('ipc')).toEqual(['ipc']);
    expect(() => parseShare('bogus')).toThrow('invalid kernel namespace to share: bogus. Options are: cgroup, ipc, net, pid, uts or none');
    expect(() => parseShare('mnt')).toThrow('mount sharing functionality not supported on pod level');
    expect(parseShare('cgroup,net')).toEqual(['cgroup', 'net']);
    expect(parseShare('cgroup')).toEqual(['cgroup']);
    expect(parseShare('cgroup,ipc')).toEqual(['cgroup', 'ipc']);
    expect(memberJoins(['ipc', 'net', 'pid', 'uts'])).toEqual(['ipc', 'pid', 'uts']);
    expect(memberJoins(['cgroup', 'ipc', 'net', 'pid', 'uts'], { pid: true, uts: true })).toEqual(['ipc']);
  });
  it('exit policy', () => {
    expect(parseExitPolicy(undefined)).toBe('continue');
    expect(parseExitPolicy('stop')).toBe('stop');
    expect(() => parseExitPolicy('later')).toThrow('running pod create option: invalid pod exit policy: "later"');
  });
});

describe('pod status (podman createPodStatusResults)', () => {
  it('covers every case', () => {
    expect(podStatus([])).toBe('Created');
    expect(podStatus([ctr('1', 'running'), ctr('2', 'running')])).toBe('Running');
    expect(podStatus([ctr('1', 'running'), ctr('2', 'exited')])).toBe('Degraded');
    expect(podStatus([ctr('1', 'exited'), ctr('2', 'exited')])).toBe('Exited');
    expect(podStatus([ctr('1', 'paused'), ctr('2', 'paused')])).toBe('Paused');
    expect(podStatus([ctr('1', 'created'), ctr('2', 'created')])).toBe('Created');
    expect(podStatus([ctr('1', 'created'), ctr('2', 'exited')])).toBe('Created');
    expect(podStatus([ctr('1', 'removing'), ctr('2', 'exited')])).toBe('Error');
  });
});

describe('views', () => {
  const infra = ctr('1', 'running', { pod: pod.id, config: { ...ctr('1', 'running').config, pause: true, ports: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] } });
  const m = ctr('2', 'exited', { pod: pod.id });
  it('inspect keys in podman order', () => {
    const o = inspectPod(pod, [infra, m]);
    expect(Object.keys(o)).toEqual([
      'Id', 'Name', 'Created', 'CreateCommand', 'ExitPolicy', 'State', 'Hostname', 'Labels', 'CreateCgroup', 'CgroupParent', 'CgroupPath', 'CreateInfra',
      'InfraContainerID', 'InfraConfig', 'SharedNamespaces', 'NumContainers', 'Containers',
    ]);
    expect(Object.keys(o.InfraConfig as object).slice(-3)).toEqual(['pid_ns', 'userns', 'uts_ns']);
    const more = inspectPod({ ...pod, volumesFrom: ['src'], securityOpt: ['seccomp=/a.json', 'no-new-privileges', 'label=disable', 'seccomp=unconfined', 'mask=/x'], shareParent: false }, [infra], {
      mounts: [{ Type: 'bind', Source: '/tmp', Destination: '/x', Driver: '', Mode: '', Options: ['rbind'], RW: true, Propagation: 'rprivate' }],
    });
    expect(Object.keys(more).slice(-3)).toEqual(['mounts', 'volumes_from', 'security_opt']);
    expect(more.security_opt).toEqual(['no-new-privileges', 'label=disable', 'seccomp=unconfined']);
    expect('CgroupPath' in more).toBe(false);
    expect(o.State).toBe('Degraded');
    expect((o.InfraConfig as Record<string, unknown>).PortBindings).toEqual({ '80/tcp': [{ HostIp: '', HostPort: '8080' }] });
    expect(JSON.parse(JSON.stringify(o)).Created).toBe('2026-01-01T00:00:00.123Z');
  });
  it('inspect without infra omits the infra keys', () => {
    const o = inspectPod({ ...pod, infraId: undefined, labels: {} }, []);
    expect(o.CreateInfra).toBe(false);
    expect('InfraConfig' in o || 'Labels' in o || 'Containers' in o).toBe(false);
  });
  it('ps json keys', () => {
    expect(Object.keys(podListJson(pod, [infra]))).toEqual(['Cgroup', 'Containers', 'Created', 'Id', 'InfraId', 'Name', 'Namespace', 'Networks', 'Status', 'Labels']);
    expect(podListJson(pod, [infra]).Containers).toEqual([{ Id: infra.id, Names: infra.name, Status: 'running' }]);
  });
  it('ps columns as podman picks them', () => {
    expect(podPsColumns({ ctrIds: false, ctrNames: false, ctrStatus: false, ns: false }).map((c) => c.header)).toEqual(['POD ID', 'NAME', 'STATUS', 'CREATED', 'INFRA ID', '# OF CONTAINERS']);
    expect(podPsColumns({ ctrIds: false, ctrNames: true, ctrStatus: true, ns: false }).map((c) => c.header)).toEqual(['POD ID', 'NAME', 'STATUS', 'CREATED', 'INFRA ID', 'NAMES', 'STATUS']);
  });
});

describe('pod ps filters', () => {
  const infra = ctr('1', 'running', { pod: pod.id });
  it('keys AND, values OR', () => {
    expect(podFilter(['name=we'])(pod, [infra])).toBe(true);
    expect(podFilter(['name=nope', 'name=web'])(pod, [infra])).toBe(true);
    expect(podFilter(['name=web', 'status=exited'])(pod, [infra])).toBe(false);
    expect(podFilter(['label=app=x', 'ctr-number=1', 'ctr-status=running', 'id=aaa'])(pod, [infra])).toBe(true);
    expect(podFilter(['ctr-names=c-1'])(pod, [infra])).toBe(true);
    expect(() => podFilter(['bogus=1'])).toThrow('bogus is an invalid filter');
    expect(() => podFilter(['status=sleepy'])).toThrow('sleepy is not a valid status');
  });
});

describe('the pod hosts file', () => {
  it('adds missing names at 127.0.0.1 (one network namespace), as podman', () => {
    const text = '127.0.0.1\tlocalhost\n10.0.2.100\tweb abc-infra\n';
    expect(missingHostsLines(text, ['db', 'web', 'db'])).toBe('127.0.0.1\tdb\n');
    expect(missingHostsLines('127.0.0.1\tlocalhost\n', ['a'])).toBe('127.0.0.1\ta\n');
  });
});
