import { describe, expect, it } from 'vitest';
import { dependencyLevels, orphans, planService, type Existing } from '../../../src/compose/plan.js';
import { createArgs, healthFlags, unsupportedKeys } from '../../../src/compose/create-args.js';
import { serviceHash } from '../../../src/compose/labels.js';
import { networkCreateArgs, networkFlags } from '../../../src/compose/networks.js';
import type { Service } from '../../../src/compose/model.js';
import { dep, project } from './fixtures.js';
import { splitTrailingCommand } from '../../../src/cli/trailing-command.js';
import { normalizeComposeArgv } from '../../../src/cli/commands/compose.js';

describe('dependencyLevels', () => {
  it('orders services after what they depend on (network_mode service: is in depends_on, normalize.ts)', () => {
    const p = project({
      web: { image: 'x', depends_on: { api: dep(), db: dep('service_healthy') } },
      api: { image: 'x', depends_on: { db: dep() } },
      db: { image: 'x' },
      side: { image: 'x', network_mode: 'service:web', depends_on: { web: dep() } },
      lone: { image: 'x' },
    });
    expect(dependencyLevels(p)).toEqual([['db', 'lone'], ['api'], ['web'], ['side']]);
    expect(dependencyLevels(p, ['api', 'db'])).toEqual([['db'], ['api']]);
  });
});

describe('planService', () => {
  const ex = (service: string, number: number, hash: string, state = 'running'): Existing => ({ id: `${service}${number}`, name: `p-${service}-${number}`, service, number, oneoff: false, hash, state });
  const p = project({ web: { image: 'x', scale: 2 }, one: { image: 'x' } });
  const hashes = { web: 'h', one: 'h' };

  it('creates what is missing, keeps what is unchanged, restarts what stopped', () => {
    expect(planService(p, 'web', [], { hashes }).map((a) => [a.kind, 'number' in a ? a.number : 0])).toEqual([['create', 1], ['create', 2]]);
    expect(planService(p, 'web', [ex('web', 1, 'h'), ex('web', 2, 'h', 'exited')], { hashes }).map((a) => a.kind)).toEqual(['keep', 'start']);
  });
  it('recreates a changed container, not with --no-recreate, always with --force-recreate', () => {
    expect(planService(p, 'one', [ex('one', 1, 'old')], { hashes }).map((a) => a.kind)).toEqual(['recreate']);
    expect(planService(p, 'one', [ex('one', 1, 'old')], { hashes, noRecreate: true }).map((a) => a.kind)).toEqual(['keep']);
    expect(planService(p, 'one', [ex('one', 1, 'h')], { hashes, forceRecreate: true }).map((a) => a.kind)).toEqual(['recreate']);
  });
  it('scales down from the highest number and fills gaps when scaling up', () => {
    const down = planService(p, 'web', [ex('web', 1, 'h'), ex('web', 2, 'h'), ex('web', 3, 'h')], { hashes });
    expect(down.map((a) => [a.kind, a.kind === 'remove' ? a.existing.number : a.number])).toEqual([['remove', 3], ['keep', 1], ['keep', 2]]);
    const up = planService(p, 'web', [ex('web', 2, 'h')], { hashes, scale: { web: 3 } });
    expect(up.map((a) => [a.kind, a.kind === 'remove' ? 0 : a.number])).toEqual([['keep', 2], ['create', 1], ['create', 3]]);
  });
  it('finds orphans', () => {
    expect(orphans(p, [ex('web', 1, 'h'), ex('gone', 1, 'h')]).map((c) => c.service)).toEqual(['gone']);
  });
});

describe('createArgs', () => {
  it('maps a service to create flags with compose names and labels', () => {
    const s: Service = {
      image: 'bb',
      command: ['echo', 'hi'],
      entrypoint: ['/bin/sh', '-c'],
      environment: { A: '1', UNSET: null },
      ports: [{ mode: 'ingress', host_ip: '127.0.0.1', target: 80, published: '8080', protocol: 'tcp' }, { mode: 'ingress', target: 53, protocol: 'udp' }],
      volumes: [{ type: 'volume', source: 'data', target: '/d', read_only: true }, { type: 'bind', source: '/h', target: '/b' }, { type: 'volume', target: '/anon' }],
      restart: 'always',
      stop_grace_period: '1m30s',
      extra_hosts: ['db=10.0.0.1'],
      depends_on: { db: dep('service_healthy') },
    };
    const p = project({ web: s, db: { image: 'x' } });
    const a = createArgs({ project: p, service: 'web', number: 2, hash: serviceHash(s), image: 'bb', secretFiles: {}, configFiles: {} });
    expect(a.slice(0, 2)).toEqual(['--name', 'p-web-2']);
    expect(a).toContain('com.docker.compose.container-number=2');
    expect(a).toContain('com.docker.compose.depends_on=db:service_healthy:false');
    const flags = a.join(' ');
    expect(flags).toContain('--env A=1');
    expect(flags).not.toContain('UNSET');
    expect(flags).toContain('--entrypoint ["/bin/sh","-c"]');
    expect(flags).toContain('--publish 127.0.0.1:8080:80/tcp --publish 53/udp');
    expect(flags).toContain('--volume p_data:/d:ro --volume /h:/b --volume /anon');
    expect(flags).toContain('--restart always');
    expect(flags).toContain('--stop-timeout 90');
    expect(flags).toContain('--add-host db:10.0.0.1');
    expect(a.slice(-3)).toEqual(['bb', 'echo', 'hi']);
    const more = createArgs({
      project: project({ w: { image: 'bb', sysctls: { 'net.ipv4.ip_forward': '1' }, ulimits: { nofile: { soft: 10, hard: 20 }, nproc: 5 }, shm_size: '64m', devices: ['/dev/fuse', { source: '/dev/null', target: '/dev/n', permissions: 'r' }], pid: 'host', ipc: 'private' } }),
      service: 'w', number: 1, hash: 'h', image: 'bb', secretFiles: {}, configFiles: {},
    }).join(' ');
    expect(more).toContain('--sysctl net.ipv4.ip_forward=1 --ulimit nofile=10:20 --ulimit nproc=5 --shm-size 64m --device /dev/fuse --device /dev/null:/dev/n:r --pid host --ipc private');
  });
  it('refuses what the engine cannot honour, with the key and the reason', () => {
    expect(unsupportedKeys('web', { image: 'x', cgroup_parent: 'a' })).toEqual(['services.web.cgroup_parent: cgroups are not delegated on this host']);
    expect(unsupportedKeys('web', { image: 'x', sysctls: { a: '1' } })).toEqual([]);
    expect(unsupportedKeys('web', { image: 'x', networks: { back: null }, ports: [{ target: 80, protocol: 'tcp', mode: 'ingress' }] })).toEqual([]);
  });
  it('attaches a service to its networks with its name and aliases, and creates networks as docker compose labels them', () => {
    const p = project({
      web: { image: 'bb', networks: { default: null, back: { aliases: ['db', 'db2'], ipv4_address: '10.1.2.3', priority: 10 } } },
      alone: { image: 'bb', ports: [{ target: 80, protocol: 'tcp', mode: 'ingress' }], networks: { default: null } },
    });
    p.networks.back = { name: 'p_back', internal: true, driver_opts: { mtu: 1400 }, ipam: { config: [{ subnet: '10.1.2.0/24', gateway: '10.1.2.1', ip_range: '10.1.2.0/25' }] } };
    const web = createArgs({ project: p, service: 'web', number: 1, hash: 'h', image: 'bb', secretFiles: {}, configFiles: {} }).join(' ');
    expect(web).toContain('--network p_back:alias=web,alias=db,alias=db2,ip=10.1.2.3 --network p_default:alias=web ');
    expect(networkFlags(p, 'web', true)).toEqual(['p_back:', 'p_default'].map((n) => n.replace(/:$/, '')));
    expect(createArgs({ project: p, service: 'alone', number: 1, hash: 'h', image: 'bb', secretFiles: {}, configFiles: {} }).join(' ')).toContain('--publish 80/tcp --network p_default:alias=alone');
    expect(networkCreateArgs(p, 'back').join(' ')).toBe(
      'network create --label com.docker.compose.project=p --label com.docker.compose.network=back --label com.docker.compose.version=2.24.0 --opt mtu=1400 --internal --subnet 10.1.2.0/24 --gateway 10.1.2.1 --ip-range 10.1.2.0/25 p_back',
    );
    p.networks.back.ipam = { config: [{ subnet: '10.1.2.0/24', aux_addresses: { a: '10.1.2.9' } }] };
    expect(() => networkCreateArgs(p, 'back')).toThrow(/networks\.back\.ipam\.config\[0\]\.aux_addresses/);
  });
  it("passes a healthcheck to the engine's flags, disable as --no-healthcheck", () => {
    expect(healthFlags('s', { healthcheck: { test: ['CMD-SHELL', 'true'], interval: '1s', retries: 2 } })).toEqual(['--health-cmd', '["CMD-SHELL","true"]', '--health-interval', '1s', '--health-retries', '2']);
    expect(healthFlags('s', { healthcheck: { disable: true } })).toEqual(['--no-healthcheck']);
    expect(healthFlags('s', { healthcheck: { test: ['NONE'] } })).toEqual(['--no-healthcheck']);
    expect(healthFlags('s', {})).toEqual([]);
    expect(() => healthFlags('s', { healthcheck: { test: ['CMD', 'true'], start_interval: '1s' } })).toThrow(/services\.s\.healthcheck\.start_interval/);
  });
  it('hashes a service independent of key order and scale', () => {
    expect(serviceHash({ image: 'x', command: ['a'] })).toBe(serviceHash({ command: ['a'], image: 'x', scale: 3 }));
    expect(serviceHash({ image: 'x' })).not.toBe(serviceHash({ image: 'y' }));
  });
});

describe('compose command lines', () => {
  const spec = [{ names: ['compose run', 'compose exec'], positionalsBefore: 1, valueFlags: ['-e', '-f', '-p'], betweenValueFlags: ['-f', '-p'] }];
  it('splits the service command after compose flags', () => {
    expect(splitTrailingCommand(['compose', '-f', 'x.yml', 'run', '-e', 'A=1', 'web', 'ls', '-la'], spec, [])).toEqual(['compose', '-f', 'x.yml', 'run', '-e', 'A=1', 'web', '--', 'ls', '-la']);
    expect(splitTrailingCommand(['compose', 'exec', 'web', 'sh', '-c', 'x'], spec, [])).toEqual(['compose', 'exec', 'web', '--', 'sh', '-c', 'x']);
    expect(splitTrailingCommand(['compose', 'up', '-d'], spec, [])).toEqual(['compose', 'up', '-d']);
  });
  it('reads -f - as --file=-', () => {
    expect(normalizeComposeArgv(['compose', '-f', '-', 'config'])).toEqual(['compose', '--file=-', 'config']);
    expect(normalizeComposeArgv(['run', '-f', '-'])).toEqual(['run', '-f', '-']);
    expect(normalizeComposeArgv(['compose', 'config', '-f', '-'])).toEqual(['compose', 'config', '--file=-']);
  });
  it("gives rm, logs and version their own -f and commit its -p (compose's global -f is --file, -p --project-name)", () => {
    expect(normalizeComposeArgv(['--root', 'r', 'compose', '-f', 'a.yaml', '-p', 'rm', 'rm', '-sf', 'web'])).toEqual(['--root', 'r', 'compose', '-f', 'a.yaml', '-p', 'rm', 'rm', '--force', '-s', 'web']);
    expect(normalizeComposeArgv(['compose', '-p', 'x', 'commit', '-pm', 'msg', 'web'])).toEqual(['compose', '-p', 'x', 'commit', '--pause', '-m', 'msg', 'web']);
    expect(normalizeComposeArgv(['compose', 'commit', '-p=false', 'web'])).toEqual(['compose', 'commit', '--pause=false', 'web']);
    expect(normalizeComposeArgv(['compose', 'logs', 'web', '-f'])).toEqual(['compose', 'logs', 'web', '--follow']);
    expect(normalizeComposeArgv(['compose', '--ansi', 'never', 'version', '-f', 'json'])).toEqual(['compose', '--ansi', 'never', 'version', '--format', 'json']);
    expect(normalizeComposeArgv(['compose', 'exec', 'web', 'ls', '-f'])).toEqual(['compose', 'exec', 'web', 'ls', '-f']);
    expect(normalizeComposeArgv(['compose', 'logs', '--', '-f'])).toEqual(['compose', 'logs', '--', '-f']);
  });
});
