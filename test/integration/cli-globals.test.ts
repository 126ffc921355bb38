// Global flags and the containers config environment variables, as the
// test user, with podman's messages compared on this machine where podman
// refuses the same input.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess, STD_PATH, tscRun, tscRunOk, type ProcResult, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

const podmanHome = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-globals-podman-'));

function podman(args: readonly string[]): Promise<ProcResult> {
  return runProcess('podman', args, { env: { HOME: podmanHome, XDG_RUNTIME_DIR: podmanHome, PATH: STD_PATH, LANG: 'C.UTF-8' } });
}

describe('global flags', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await busyboxSandbox('globals', 'user');
  }, 120_000);
  afterAll(async () => {
    await disposeSandbox(sb);
    fs.rmSync(podmanHome, { recursive: true, force: true });
  });

  const refusals: string[][] = [
    ['--log-level', 'loud', 'version'],
    ['--runtime', 'nosuchruntime', 'version'],
    ['--cgroup-manager', 'upstart', 'version'],
    ['--events-backend', 'carrier-pigeon', 'version'],
  ];
  for (const args of refusals) {
    it(`refuses ${args.slice(0, 2).join(' ')} with podman's message and code`, async () => {
      const [ours, theirs] = await Promise.all([tscRun(args, { sandbox: sb }), podman(args)]);
      expect(ours.exitCode).toBe(theirs.exitCode);
      expect(ours.stderr).toBe(theirs.stderr.replace(/podman/g, 'tsc-run'));
      expect(ours.stdout).toBe('');
    });
  }

  it('refuses what it cannot do with a reason, before doing anything', async () => {
    for (const args of [['--tmpdir', '/tmp/x'], ['--cgroup-manager', 'systemd'], ['--events-backend', 'journald']]) {
      const r = await tscRun([...args, 'volume', 'create', 'never'], { sandbox: sb });
      expect(r.exitCode).toBe(125);
      expect(r.stderr).toMatch(/^Error: .*not supported: .+\n$/);
    }
    expect((await tscRun(['volume', 'exists', 'never'], { sandbox: sb })).exitCode).toBe(1);
  });

  it('accepts our own runtime by name, and podman\'s default cgroup manager', async () => {
    await tscRunOk(['--runtime', 'tsc-run-helper', '--cgroup-manager', 'cgroupfs', 'ps'], { sandbox: sb });
  });

  it('--noout silences our output and the container\'s, not stderr or the exit code', async () => {
    const r = await tscRun(['--noout', 'run', '--rm', 'bb', 'sh', '-c', 'echo out; echo err >&2; exit 3'], { sandbox: sb });
    expect(r).toMatchObject({ exitCode: 3, stdout: '', stderr: 'err\n' });
    const v = await tscRun(['--noout', 'volume', 'create', 'quiet'], { sandbox: sb });
    expect(v).toMatchObject({ exitCode: 0, stdout: '' });
    expect((await tscRunOk(['volume', 'ls', '-q'], { sandbox: sb })).stdout).toContain('quiet\n');
  }, 60_000);

  it('--events-backend none writes no event and refuses to read them; file is the default', async () => {
    const log = path.join(sb.root, 'events.log');
    const before = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
    await tscRunOk(['--events-backend', 'none', 'run', '--rm', 'bb', 'true'], { sandbox: sb });
    expect(fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '').toBe(before);
    const r = await tscRun(['--events-backend', 'none', 'events', '--stream=false'], { sandbox: sb });
    expect(r).toMatchObject({ exitCode: 125, stderr: 'Error: cannot read events with the "none" backend\n' });
    await tscRunOk(['--events-backend', 'file', 'run', '--rm', 'bb', 'true'], { sandbox: sb });
    expect(fs.readFileSync(log, 'utf8').length).toBeGreaterThan(before.length);
  }, 60_000);

  it('CONTAINERS_CONF: events_logfile_path and volume_path are honoured, in this process and the exit command', async () => {
    const events = path.join(sb.dir, 'ev', 'my-events.log');
    const vols = path.join(sb.dir, 'conf-volumes');
    const conf = sb.file('containers.conf', `[engine]\nevents_logfile_path = "${events}"\nvolume_path = "${vols}"\n`);
    const env = { CONTAINERS_CONF: conf };
    await tscRunOk(['run', '-d', '--name', 'confd', '-v', 'confvol:/data', 'bb', 'sh', '-c', 'echo hi > /data/f'], { sandbox: sb, env });
    await tscRunOk(['wait', 'confd'], { sandbox: sb, env });
    expect(fs.existsSync(path.join(vols, 'confvol', '_data'))).toBe(true);
    const seen = await tscRunOk(['events', '--stream=false', '--format', '{{.Status}}', '--filter', 'container=confd'], { sandbox: sb, env });
    // died comes from the detached monitor's exit command: it read the same file.
    expect(seen.stdout.split('\n')).toEqual(expect.arrayContaining(['create', 'start', 'died']));
    expect(fs.readFileSync(events, 'utf8')).toContain('"confd"');
    const insp = await tscRunOk(['volume', 'inspect', '--format', '{{.Mountpoint}}', 'confvol'], { sandbox: sb, env });
    expect(insp.stdout).toBe(`${path.join(vols, 'confvol', '_data')}\n`);
    await tscRunOk(['rm', 'confd'], { sandbox: sb, env });
    await tscRunOk(['volume', 'rm', 'confvol'], { sandbox: sb, env });
  }, 60_000);

  it('--volumepath puts volumes there; info reports it', async () => {
    const vols = path.join(sb.dir, 'flag-volumes');
    await tscRunOk(['--volumepath', vols, 'volume', 'create', 'flagvol'], { sandbox: sb });
    expect(fs.existsSync(path.join(vols, 'flagvol', '_data'))).toBe(true);
    expect((await tscRunOk(['--volumepath', vols, 'info', '--format', '{{.Store.VolumePath}}'], { sandbox: sb })).stdout).toBe(`${vols}\n`);
    expect((await tscRun(['volume', 'exists', 'flagvol'], { sandbox: sb })).exitCode).toBe(1);
  });

  it('CONTAINERS_STORAGE_CONF and CONTAINERS_REGISTRIES_CONF name the files read', async () => {
    const storage = sb.file('my-storage.conf', '[storage]\ndriver = "vfs"\n');
    const regs = sb.file('my-registries.conf', 'unqualified-search-registries = ["registry.example:5000"]\n');
    const r = await tscRunOk(['info', '--format', 'json'], { sandbox: sb, env: { CONTAINERS_STORAGE_CONF: storage, CONTAINERS_REGISTRIES_CONF: regs } });
    const info = JSON.parse(r.stdout) as { store: { configFile: string; graphDriverName: string }; registries: { search?: string[] } };
    expect(info.store).toMatchObject({ configFile: storage, graphDriverName: 'vfs' });
    expect(info.registries.search).toEqual(['registry.example:5000']);
  });

  it('--network-cmd-path is the slirp4netns that runs', async () => {
    const r = await tscRun(['--network-cmd-path', '/nonexistent/slirp4netns', 'run', '--rm', '--network', 'slirp4netns', 'bb', 'true'], { sandbox: sb });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('/nonexistent/slirp4netns');
  }, 60_000);

  it('--syslog without a syslog socket fails as podman does', async () => {
    if (fs.existsSync('/dev/log')) return;
    const [ours, theirs] = await Promise.all([tscRun(['--syslog', 'version'], { sandbox: sb }), podman(['--syslog', 'version'])]);
    expect(ours.exitCode).toBe(theirs.exitCode);
    expect(ours.stderr.trim()).toBe(theirs.stderr.trim());
  });
});
