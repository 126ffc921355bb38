import { describe, expect, it } from 'vitest';
import { checkEngineFlags, mergeEngineConfig } from '../../../src/host/engine-config.js';
import { containersConfFiles, mergeTomlTables, registriesConfFiles, storageConfCandidates } from '../../../src/host/containers-conf.js';

describe('engine flags', () => {
  it("refuses with podman's messages", () => {
    expect(() => checkEngineFlags({ runtime: 'runc' })).toThrow('default OCI runtime "runc" not found: invalid argument');
    expect(() => checkEngineFlags({ cgroupManager: 'x' })).toThrow('cgroup manager must be one of cgroupfs and systemd');
    expect(() => checkEngineFlags({ eventsBackend: 'x' })).toThrow('"x" is not a valid events backend');
    expect(() => checkEngineFlags({ eventsBackend: 'journald' })).toThrow(/not supported/);
    expect(() => checkEngineFlags({ runtime: 'tsc-run-helper', cgroupManager: 'cgroupfs', eventsBackend: 'none' })).not.toThrow();
  });
  it('puts flags over containers.conf', () => {
    const engine = { events_logger: 'none', events_logfile_path: '/x/e.log', volume_path: '/v', network_cmd_path: '/s' };
    expect(mergeEngineConfig({}, engine)).toEqual({ eventsBackend: 'none', cgroupManager: 'cgroupfs', eventsLogfilePath: '/x/e.log', volumePath: '/v', networkCmdPath: '/s' });
    expect(mergeEngineConfig({ eventsBackend: 'file', volumePath: '/w' }, engine)).toMatchObject({ eventsBackend: 'file', volumePath: '/w' });
    // journald in a distribution's containers.conf: the file, which `events` reads.
    expect(mergeEngineConfig({}, { events_logger: 'journald' }).eventsBackend).toBe('file');
  });
});

describe('containers config files', () => {
  it('honours CONTAINERS_CONF, CONTAINERS_STORAGE_CONF, CONTAINERS_REGISTRIES_CONF', () => {
    expect(containersConfFiles(true, { CONTAINERS_CONF: '/c.conf' })).toEqual(['/c.conf']);
    expect(containersConfFiles(true, { HOME: '/h' })).toEqual(['/usr/share/containers/containers.conf', '/etc/containers/containers.conf', '/h/.config/containers/containers.conf']);
    expect(storageConfCandidates(true, { CONTAINERS_STORAGE_CONF: '/s.conf' })).toEqual(['/s.conf']);
    expect(registriesConfFiles({ CONTAINERS_REGISTRIES_CONF: '/nonexistent/r.conf' })).toEqual(['/nonexistent/r.conf']);
  });
  it('merges tables key by key, later files winning', () => {
    expect(mergeTomlTables({ engine: { a: 1, b: 2 }, x: [1] }, { engine: { b: 3 }, x: [2] })).toEqual({ engine: { a: 1, b: 3 }, x: [2] });
  });
});
