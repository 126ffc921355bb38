import { describe, expect, it } from 'vitest';
import { GoTemplate } from '../../../src/format/template.js';
import { conditionResult, parseConditions } from '../../../src/runtime/container/container-wait.js';
import { capDiff, inspectContainer, type InspectFacts } from '../../../src/runtime/views/inspect-view.js';
import { parsePortQuery, portLines } from '../../../src/runtime/views/port-view.js';
import type { ContainerRecord, ContainerState } from '../../../src/storage/containers.js';

const facts: InspectFacts = {
  imageDigest: 'sha256:5fe2',
  logPath: '/r/containers/x/ctr.log',
  resolvConfPath: '',
  hostnamePath: '/r/containers/x/userdata/hostname',
  hostsPath: '',
  staticDir: '/r/containers/x/userdata',
  conmonPidFile: '/run/containers/x/conmon.pid',
  graphDriver: { Name: 'overlay', Data: { LowerDir: '/r/l/A', UpperDir: '/r/containers/x/upper', WorkDir: '/r/containers/x/work' } },
  capAdd: [],
  capDrop: ['CAP_AUDIT_WRITE', 'CAP_MKNOD', 'CAP_NET_RAW'],
};

function rec(state: ContainerState, extra: Partial<ContainerRecord['config']> = {}): ContainerRecord {
  return {
    id: 'e1f9ae32550fab4a254d6732ffcd1355a3a011a6e8f798be543a76d5be60d95f',
    name: 'up',
    image: '7a689c65ee6402631732b5a781860d61fff5edef30ca78c801f7ec6265a54919',
    imageName: 'localhost/bb:latest',
    layers: ['a'],
    created: '2026-11-22T11:32:05.234928253Z',
    autoRemove: false,
    config: {
      command: ['sleep', '1000'],
      entrypoint: [],
      cmd: ['sleep', '1000'],
      env: ['PATH=/bin', 'HOSTNAME=e1f9ae32550f'],
      workingDir: '/',
      user: '',
      uid: 0,
      gid: 0,
      hostname: 'e1f9ae32550f',
      network: 'host',
      ...extra,
    },
    state,
  };
}

const running = rec({
  status: 'running',
  startedAt: '2026-11-22T11:32:05.339237103Z',
  pid: 6180,
  pidStartTime: 1,
  monitor: { pid: 6167, startTime: 1, bootId: 'b' },
});
const exited = rec({ status: 'exited', exitCode: 2, startedAt: '2026-11-22T11:33:34.692210617Z', finishedAt: '2026-11-22T11:33:34.693106166Z' });

describe('inspectContainer (podman 4.3 InspectContainerData)', () => {
  it('top-level keys in podman order', () => {
    expect(Object.keys(inspectContainer(running, facts))).toEqual([
      'Id', 'Created', 'Path', 'Args', 'State', 'Image', 'ImageDigest', 'ImageName', 'Rootfs', 'Pod', 'ResolvConfPath', 'HostnamePath',
      'HostsPath', 'StaticDir', 'OCIConfigPath', 'OCIRuntime', 'ConmonPidFile', 'PidFile', 'Name', 'RestartCount', 'Driver', 'MountLabel', 'ProcessLabel', 'AppArmorProfile', 'EffectiveCaps',
      'BoundingCaps', 'ExecIDs', 'GraphDriver', 'Mounts', 'Dependencies', 'NetworkSettings', 'Namespace', 'IsInfra', 'IsService',
      'Config', 'HostConfig',
    ]);
  });
  it('JSON of a running container: State as podman, times in RFC3339Nano, Go zero time for FinishedAt', () => {
    const j = JSON.parse(JSON.stringify(inspectContainer(running, facts))) as Record<string, Record<string, unknown>>;
    expect(j.State).toEqual({
      OciVersion: '1.0.2-dev',
      Status: 'running',
      Running: true,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: 6180,
      ConmonPid: 6167,
      ExitCode: 0,
      Error: '',
      StartedAt: '2026-11-22T11:32:05.339237103Z',
      FinishedAt: '0001-01-01T00:00:00Z',
      Health: { Status: '', FailingStreak: 0, Log: null },
      CheckpointedAt: '0001-01-01T00:00:00Z',
      RestoredAt: '0001-01-01T00:00:00Z',
    });
    expect(j.Created).toBe('2026-11-22T11:32:05.234928253Z');
    expect(j.Path).toBe('sleep');
    expect(j.Args).toEqual(['1000']);
    expect(j.Config!.Entrypoint).toBe('');
    expect(j.Config!.Labels).toBeNull();
    expect(j.Config!.StopSignal).toBe(15);
    expect(j.HostConfig!.LogConfig).toEqual({ Type: 'k8s-file', Config: null, Path: facts.logPath, Tag: '', Size: '0B' });
    expect(j.HostConfig!.CapDrop).toEqual(['CAP_AUDIT_WRITE', 'CAP_MKNOD', 'CAP_NET_RAW']);
  });
  it('an exited container: no ConmonPid, Pid 0, its code and finish time', () => {
    const j = JSON.parse(JSON.stringify(inspectContainer(exited, facts))) as { State: Record<string, unknown> };
    expect(j.State).not.toHaveProperty('ConmonPid');
    expect(j.State).toMatchObject({ Status: 'exited', Running: false, Pid: 0, ExitCode: 2, FinishedAt: '2026-11-22T11:33:34.693106166Z' });
  });
  it('Go templates: {{.State.Running}}, Go time strings, nil maps', () => {
    const t = (src: string, r: ContainerRecord) => new GoTemplate(src).render(inspectContainer(r, facts));
    expect(t('{{.State.Running}} {{.State.Pid}} {{.Name}} {{.Config.Labels}} {{json .Config.Labels}}', running)).toBe('true 6180 up map[] null');
    expect(t('{{.State.Running}} {{.State.ExitCode}}', exited)).toBe('false 2');
    expect(t('{{.State.StartedAt}}|{{.State.FinishedAt}}', exited)).toBe('2026-11-22 11:33:34.692210617 +0000 UTC|2026-11-22 11:33:34.693106166 +0000 UTC');
    expect(t('{{.Created}}', running)).toBe('2026-11-22 11:32:05.234928253 +0000 UTC');
    expect(t('{{.HostConfig.AutoRemove}} {{.Config.Tty}} {{index .Config.Env 0}}', running)).toBe('false false PATH=/bin');
    expect(t('{{range .Config.Env}}{{.}},{{end}}', running)).toBe('PATH=/bin,HOSTNAME=e1f9ae32550f,');
  });
  it('labels, restart policy, stop signal and ports from the record', () => {
    const r = rec(
      { status: 'created' },
      { labels: { a: 'b' }, restartPolicy: { name: 'on-failure', maxRetries: 3 }, stopSignal: 2, stopTimeout: 5, ports: [{ hostPort: 8080, containerPort: 80 }] },
    );
    const j = JSON.parse(JSON.stringify(inspectContainer(r, facts))) as Record<string, Record<string, unknown>>;
    expect(j.Config).toMatchObject({ Labels: { a: 'b' }, StopSignal: 2, StopTimeout: 5 });
    expect(j.HostConfig).toMatchObject({ RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 }, PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } });
    expect(j.NetworkSettings!.Ports).toEqual({ '80/tcp': [{ HostIp: '', HostPort: '8080' }] });
  });
  it('--size adds SizeRw and SizeRootFs after GraphDriver', () => {
    const keys = Object.keys(inspectContainer(running, { ...facts, size: { rw: 12, rootFs: 1984172 } }));
    expect(keys.slice(keys.indexOf('GraphDriver'), keys.indexOf('GraphDriver') + 4)).toEqual(['GraphDriver', 'SizeRw', 'SizeRootFs', 'Mounts']);
  });
  it('capDiff against the Docker default set', () => {
    expect(capDiff(['CAP_CHOWN', 'CAP_SYS_ADMIN'])).toEqual({
      capAdd: ['CAP_SYS_ADMIN'],
      capDrop: expect.arrayContaining(['CAP_KILL', 'CAP_NET_RAW']),
    });
  });
});

describe('wait conditions (podman 4.3)', () => {
  it('default and stopped/exited: not running, with the exit code', () => {
    const c = parseConditions([]);
    expect(conditionResult(exited, c)).toBe(2);
    expect(conditionResult(rec({ status: 'created' }), c)).toBe(0);
    expect(conditionResult(running, c)).toBeUndefined();
    expect(conditionResult(exited, parseConditions(['stopped']))).toBe(2);
  });
  it('a state condition is met literally and gives -1', () => {
    const c = parseConditions(['running']);
    expect(conditionResult(running, c)).toBe(-1);
    expect(conditionResult(exited, c)).toBeUndefined();
    expect(conditionResult(rec({ status: 'created' }), parseConditions(['configured']))).toBe(-1);
  });
  it("podman's error", () => {
    expect(() => parseConditions(['bogus'])).toThrow('unknown container state: bogus: invalid argument');
  });
});

describe('port output', () => {
  const ports = [
    { hostPort: 8080, containerPort: 80 },
    { hostIP: '127.0.0.1', hostPort: 9000, containerPort: 5000, protocol: 'udp', range: 2 },
  ];
  it('all mappings, or the host side of one', () => {
    expect(portLines(ports, undefined).lines).toEqual(['80/tcp -> 0.0.0.0:8080', '5000/udp -> 127.0.0.1:9000', '5001/udp -> 127.0.0.1:9001']);
    expect(portLines(ports, parsePortQuery('80'))).toEqual({ lines: ['0.0.0.0:8080'], found: true });
    expect(portLines(ports, parsePortQuery('5001/udp'))).toEqual({ lines: ['127.0.0.1:9001'], found: true });
    expect(portLines(ports, parsePortQuery('5001')).found).toBe(false);
    expect(portLines(ports, undefined, 'abc\t').lines[0]).toBe('abc\t80/tcp -> 0.0.0.0:8080');
    expect(() => parsePortQuery('http')).toThrow('invalid port');
  });
});
