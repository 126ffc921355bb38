import { describe, expect, it } from 'vitest';
import { formatObject } from '../../../src/format/output.js';
import { goView } from '../../../src/host/go-view.js';
import { buildInfoReport, INFO_GO_SPEC, type InfoFacts } from '../../../src/host/info-report.js';
import { formatUptime, goArch, parseCpuUsage, parseMeminfo } from '../../../src/host/proc-parse.js';
import { countContainerStates, imageCountOf } from '../../../src/host/store-counts.js';

const facts: InfoFacts = {
  system: {
    kernel: '6.18.44-fc-v669',
    arch: 'amd64',
    os: 'linux',
    hostname: 'vm',
    cpus: 2,
    uptime: '0h 6m 53.00s',
    cpuUtilization: { userPercent: 1, systemPercent: 2, idlePercent: 97 },
    distribution: { distribution: 'debian', version: '12', codename: 'bookworm' },
    memTotal: 100,
    memFree: 50,
    swapTotal: 0,
    swapFree: 0,
  },
  rootless: true,
  uidmap: [
    { container_id: 0, host_id: 1001, size: 1 },
    { container_id: 1, host_id: 100000, size: 65536 },
  ],
  gidmap: [{ container_id: 0, host_id: 1001, size: 1 }],
  cgroup: {
    layout: 'hybrid',
    version: 'v1',
    controllers: [],
    delegation: { delegated: false, controllers: [], detail: 'hybrid: nothing delegated' },
  },
  network: {
    pasta: { executable: '/usr/bin/pasta', package: '', version: 'pasta unknown version' },
    defaultNetwork: 'pasta',
    devNetTunRW: true,
  },
  security: { apparmorEnabled: false, selinuxEnabled: false, seccompEnabled: false, seccompProfilePath: '', capabilities: ['CAP_CHOWN', 'CAP_KILL'] },
  store: {
    configFile: '/home/u/.config/containers/storage.conf',
    choice: { driver: 'overlay', reason: 'native overlay works in a user namespace (kernel 6.18)' },
    probe: { ok: true, reason: 'ok' },
    graphRoot: '/data',
    runRoot: '/run/x',
    graphRootAllocated: 10,
    graphRootUsed: 5,
    backingFilesystem: 'extfs',
    imageCount: 3,
    containers: { number: 1, paused: 0, running: 1, stopped: 0 },
  },
  registriesSearch: ['docker.io'],
  version: { APIVersion: '4.3.1', Version: '0.1.0', Os: 'linux' },
};

describe('info report', () => {
  const report = buildInfoReport(facts);
  const view = goView(report, INFO_GO_SPEC) as object;

  it('has podman json keys', () => {
    expect(Object.keys(report)).toEqual(['host', 'store', 'registries', 'plugins', 'version']);
    expect(report.host.security.rootless).toBe(true);
    expect(report.host.idMappings.uidmap?.[1]).toEqual({ container_id: 1, host_id: 100000, size: 65536 });
    expect(report.host.cgroupVersion).toBe('v1');
    expect(report.host.cgroupDelegated).toBe(false);
    expect(report.host.pasta.executable).toBe('/usr/bin/pasta');
    expect(report.host.slirp4netns).toEqual({ executable: '', package: '', version: '' });
    expect(report.host.networkBackend).toBe('pasta');
    expect(report.host.security.capabilities).toBe('CAP_CHOWN,CAP_KILL');
    expect(report.store).toMatchObject({ graphRoot: '/data', runRoot: '/run/x', graphDriverName: 'overlay', imageStore: { number: 3 } });
    expect(report.store.graphDriverReason).toMatch(/native overlay/);
    expect(report.store.graphStatus).toMatchObject({ 'Native Overlay Diff': 'true' });
    expect(report.registries).toEqual({ search: ['docker.io'] });
  });

  it('templates see Go field names', () => {
    const t = (f: string) => formatObject(view, f);
    expect(t('{{.Store.RunRoot}}')).toBe('/run/x\n');
    expect(t('{{.Store.GraphRoot}}')).toBe('/data\n');
    expect(t('{{.Host.Security.Rootless}}')).toBe('true\n');
    expect(t('{{.Host.Kernel}}')).toBe('6.18.44-fc-v669\n');
    expect(t('{{.Store.GraphDriverName}}')).toBe('overlay\n');
    expect(t('{{.Host.CgroupsVersion}} {{.Host.CPUs}} {{.Host.OS}}')).toBe('v1 2 linux\n');
    expect(t('{{.Host.CPUUtilization.IdlePercent}}')).toBe('97\n');
    expect(t('{{range .Host.IDMappings.UIDMap}}{{.ContainerID}}:{{.HostID}}:{{.Size}} {{end}}')).toBe('0:1001:1 1:100000:65536 \n');
    expect(t('{{.Host.Slirp4NetNS.Executable}}|{{.Host.Pasta.Executable}}')).toBe('|/usr/bin/pasta\n');
    expect(t('{{.Store.ImageStore.Number}} {{.Store.ContainerStore.Running}}')).toBe('3 1\n');
    expect(t('{{index .Registries "search"}}')).toBe('[docker.io]\n');
    expect(t('{{.Version.Version}}')).toBe('0.1.0\n');
    expect(() => t('{{.Host.Nope}}')).toThrow(/can't evaluate field Nope/);
  });

  it('json inside templates prints json tags, like podman', () => {
    const host = JSON.parse(formatObject(view, '{{json .Host}}')) as Record<string, unknown>;
    expect(host.kernel).toBe('6.18.44-fc-v669');
    expect(host.Kernel).toBeUndefined();
    expect(JSON.parse(formatObject(view, '{{json .}}'))).toEqual(JSON.parse(JSON.stringify(report)));
    expect(JSON.parse(formatObject(view, 'json'))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('fuse-overlayfs shows up in graphOptions and graphStatus', () => {
    const r = buildInfoReport({
      ...facts,
      store: { ...facts.store, choice: { driver: 'overlay', mountProgram: '/usr/bin/fuse-overlayfs', reason: 'x' } },
    });
    expect(r.store.graphOptions).toEqual({ 'overlay.mount_program': { Executable: '/usr/bin/fuse-overlayfs', Package: '', Version: '' } });
    expect(r.store.graphStatus['Native Overlay Diff']).toBe('false');
  });
});

describe('proc parsing', () => {
  it('meminfo in bytes, MemAvailable as memFree', () => {
    expect(parseMeminfo('MemTotal:  1000 kB\nMemFree:  10 kB\nMemAvailable: 500 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n')).toEqual({
      memTotal: 1024000,
      memFree: 512000,
      swapTotal: 0,
      swapFree: 0,
    });
    expect(parseMeminfo('MemTotal: 1 kB\nMemFree: 1 kB\n').memFree).toBe(1024);
  });
  it('cpu usage from /proc/stat: user, system, idle shares', () => {
    expect(parseCpuUsage('cpu  100 5 50 850 10 0 0 0 0 0\ncpu0 1 2 3 4\n')).toEqual({ userPercent: 10, systemPercent: 5, idlePercent: 85 });
    expect(parseCpuUsage('')).toEqual({ userPercent: 0, systemPercent: 0, idlePercent: 0 });
  });
  it('uptime like podman', () => {
    expect(formatUptime(413.7)).toBe('0h 6m 53.00s');
    expect(formatUptime(3 * 3600 + 61)).toBe('3h 1m 1.00s (Approximately 0.13 days)');
  });
  it('Go arch names', () => {
    expect(goArch('x64')).toBe('amd64');
    expect(goArch('arm64')).toBe('arm64');
  });
  it('store counts', () => {
    expect(imageCountOf([{}, {}])).toBe(2);
    expect(imageCountOf({ images: [{}] })).toBe(1);
    expect(imageCountOf({ images: { a: {}, b: {} } })).toBe(2);
    expect(imageCountOf('junk')).toBe(0);
    expect(countContainerStates(['running', 'exited', 'created', 'paused'])).toEqual({ number: 4, paused: 1, running: 1, stopped: 2 });
  });
});
