import { describe, expect, it } from 'vitest';
import type { ContainerRecord } from '../../../src/storage/containers.js';
import { exitCommand, monitorArgs, withMonitorArgs } from '../../../src/runtime/monitor/monitor-args.js';
import { parseHandshake, parseMonitorLine } from '../../../src/runtime/monitor/monitor-session.js';

function record(config: Partial<ContainerRecord['config']> = {}): ContainerRecord {
  return {
    id: 'a'.repeat(64),
    name: 'c',
    image: 'i',
    imageName: 'img',
    layers: [],
    created: '',
    autoRemove: false,
    config: { command: ['sh'], entrypoint: [], cmd: ['sh'], env: [], workingDir: '/', user: '', uid: 0, gid: 0, hostname: 'h', network: 'host', ...config },
    state: { status: 'created' },
  };
}

const base = { runtimeDir: '/run/x', logPath: '/data/ctr.log', sigProxy: true, exitCommand: ['tsc-run', 'container', 'cleanup', 'ID'] };

describe('monitor options', () => {
  it('a plain detached container: log, exit command, no stdin', () => {
    expect(monitorArgs({ ...base, container: record(), detach: true, attachStdin: false })).toEqual([
      '--sync-fd', '4', '--runtime-dir', '/run/x', '--detach',
      '--log-driver', 'k8s-file', '--log-path', '/data/ctr.log',
      '--exit-command', 'tsc-run', '--exit-command-arg', 'container', '--exit-command-arg', 'cleanup', '--exit-command-arg', 'ID',
    ]);
  });

  it('run -it in the foreground: tty with our size, stdin attached with the detach keys', () => {
    const a = monitorArgs({ ...base, container: record({ tty: true, stdin: true, detachKeys: 'ctrl-a' }), detach: false, attachStdin: true, ttySize: { rows: 30, cols: 100 } });
    expect(a).toEqual(expect.arrayContaining(['--tty', '--tty-size', '30:100', '--stdin', '--attach-stdin', '--detach-keys', '01']));
    expect(a).not.toContain('--detach');
  });

  it('run -i without a tty: stdin attached, no detach keys (they would cut a binary stream)', () => {
    const a = monitorArgs({ ...base, container: record({ stdin: true, detachKeys: 'ctrl-a' }), detach: false, attachStdin: true });
    expect(a).toContain('--attach-stdin');
    expect(a).not.toContain('--detach-keys');
  });

  it('start -a without -i keeps the container\'s stdin for attach but does not feed ours', () => {
    const a = monitorArgs({ ...base, container: record({ stdin: true }), detach: false, attachStdin: false });
    expect(a).toContain('--stdin');
    expect(a).not.toContain('--attach-stdin');
  });

  it('restart policy, log driver none, init, no sig-proxy, max size', () => {
    const a = monitorArgs({
      ...base,
      sigProxy: false,
      container: record({ restartPolicy: { name: 'on-failure', maxRetries: 2 }, logDriver: 'none', init: true, logMaxSize: 1000 }),
      detach: false,
      attachStdin: false,
    });
    expect(a).toEqual(expect.arrayContaining(['--restart', 'on-failure:2', '--log-driver', 'none', '--init', '--no-sig-proxy', '--log-max-size', '1000']));
    expect(a).not.toContain('--log-path');
  });

  it('go before the command line', () => {
    expect(withMonitorArgs(['--rootfs', '/r', '--', 'sh', '--', 'x'], ['--tty'])).toEqual(['--rootfs', '/r', '--tty', '--', 'sh', '--', 'x']);
    expect(() => withMonitorArgs(['--rootfs', '/r'], [])).toThrow();
  });

  it('builds the exit command with our roots', () => {
    expect(exitCommand(['/bin/tsc-run'], { dataRoot: '/d', runRoot: '/r' }, 'ID')).toEqual(['/bin/tsc-run', '--root', '/d', '--runroot', '/r', 'container', 'cleanup', 'ID']);
  });
});

describe('monitor lines', () => {
  it('parses the handshake', () => {
    expect(parseHandshake('{"monitorPid":1,"monitorStartTime":2,"pid":3,"pidStartTime":4}')).toEqual({ monitorPid: 1, monitorStartTime: 2, pid: 3, pidStartTime: 4 });
    expect(() => parseHandshake('{"monitorPid":1}')).toThrow(/monitorStartTime/);
  });
  it('parses exits and detaches', () => {
    expect(parseMonitorLine('{"detached":true}')).toEqual({ detached: true });
    expect(parseMonitorLine('{"exitCode":137,"signal":"SIGKILL","finishedAt":"2026-01-01T00:00:00.000000001Z","restartCount":0}')).toEqual({
      exit: { exitCode: 137, signal: 'SIGKILL', finishedAt: '2026-01-01T00:00:00.000000001Z', restartCount: 0 },
    });
  });
});

describe('cgroup limits', async () => {
  const { limitFiles } = await import('../../../src/runtime/container/container-cgroup.js');
  it('writes memory.max, cpu.max and pids.max with their controllers', () => {
    expect(limitFiles({ memory: 64 * 1024 * 1024, cpus: 1.5, pidsLimit: 10 })).toEqual({
      controllers: ['memory', 'cpu', 'pids'],
      files: [
        ['memory.max', '67108864'],
        ['cpu.max', '150000 100000'],
        ['pids.max', '10'],
      ],
    });
    expect(limitFiles({ pidsLimit: -1 })).toEqual({ controllers: ['pids'], files: [['pids.max', 'max']] });
    expect(limitFiles({})).toEqual({ controllers: [], files: [] });
  });
});
