// A service's build section and compose build's flags as the engine's build flags.

import { describe, expect, it } from 'vitest';
import { buildArgs, buildSecretNames, type BuildArgsInput } from '../../../src/compose/build-args.js';

const input = (build: Record<string, unknown>, more: Partial<BuildArgsInput> = {}): BuildArgsInput => ({
  service: 'web', build: { context: '/p/ctx', ...build }, image: 'p-web', dockerfileGiven: false, secretFiles: { tok: '/s/tok' }, environment: { FROM_ENV: 'e' }, ...more,
});

describe('compose build section → tsc-run build', () => {
  it('maps every key the engine has a flag for', () => {
    expect(buildArgs(input({
      dockerfile: 'Other.df', args: ['A=1', 'B'], target: 't', labels: ['l=1'], no_cache: true, pull: true, network: 'host', shm_size: 1024,
      extra_hosts: ['a:1.2.3.4', 'b=::1'], ssh: ['default'], secrets: ['tok', { source: 'tok', target: 'other' }], tags: ['p/web:2'], platforms: ['linux/amd64'],
      ulimits: { nofile: { soft: 10, hard: 20 }, nproc: 5 }, additional_contexts: { extra: '/p/x' }, isolation: 'rootless',
    }, { dockerfileGiven: true }))).toEqual([
      'build', '-t', 'p-web', '-t', 'p/web:2', '-f', '/p/ctx/Other.df', '--build-arg', 'A=1', '--build-arg', 'B', '--target', 't', '--label', 'l=1',
      '--no-cache', '--pull=always', '--network', 'host', '--shm-size', '1024b', '--add-host', 'a:1.2.3.4', '--add-host', 'b:::1', '--ssh', 'default',
      '--secret', 'id=tok,src=/s/tok', '--secret', 'id=other,src=/s/tok', '--platform', 'linux/amd64', '--ulimit', 'nofile=10:20', '--ulimit', 'nproc=5',
      '--build-context', 'extra=/p/x', '--isolation', 'rootless', '/p/ctx',
    ]);
  });

  it('compose build flags: --build-arg over the file (a bare KEY from the environment), --no-cache, --pull, -m, --ssh, -q', () => {
    const a = buildArgs(input({ args: { A: '1', B: '2' }, network: 'default' }, { flags: { buildArgs: ['A=9', 'FROM_ENV', 'UNSET'], noCache: true, pull: true, memory: '1g', ssh: ['default'], quiet: true } }));
    expect(a).toEqual(['build', '-t', 'p-web', '--build-arg', 'A=9', '--build-arg', 'B=2', '--build-arg', 'FROM_ENV=e', '--no-cache', '--pull=always', '--memory', '1g', '--ssh', 'default', '--quiet', '/p/ctx']);
  });

  it('refuses what it cannot honour, naming the key', () => {
    expect(() => buildArgs(input({ privileged: true }))).toThrow('services.web.build.privileged: not supported by tsc-run compose: RUN steps cannot be privileged');
    expect(() => buildArgs(input({ frobnicate: 1 }))).toThrow('services.web.build.frobnicate: not supported');
    expect(() => buildArgs(input({ platforms: ['linux/amd64', 'linux/arm64'] }))).toThrow('services.web.build.platforms: one platform only');
    expect(() => buildArgs(input({ secrets: ['nope'] }))).toThrow('services.web.build.secrets: undefined secret "nope"');
    expect(() => buildArgs(input({ secrets: [{ source: 'tok', mode: 0o400 }] }))).toThrow('uid, gid and mode are not supported for build secrets');
  });

  it('names the secrets builds use', () => {
    expect(buildSecretNames([{ context: '.', secrets: ['a', { source: 'b' }] }, undefined, { context: '.' }])).toEqual(['a', 'b']);
  });
});
