// Lifecycle flags of issue 9 beside podman 4.3's behaviour: --filter of
// start/stop/restart/rm, rm --depend, start --all/--latest, ps --watch,
// attach --latest's usage rules, kill -s messages, a command that cannot be
// started (state kept, wait 0, start names the container), a working
// directory that is a file, a published port already in use.

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, cliArgv, disposeSandbox, spawnLive, until } from './run-util.js';

const ID = /^[0-9a-f]{64}$/;

describe('lifecycle flags as the test user', () => {
  let sb: Sandbox;
  const run = (args: string[]) => tscRun(args, { sandbox: sb });
  const out = async (args: string[]) => {
    const r = await run(args);
    expect(r.exitCode, r.stderr).toBe(0);
    return r.stdout;
  };
  const status = async (name: string) => (await out(['inspect', '--format', '{{.State.Status}}', name])).trim();

  beforeAll(async () => {
    sb = await busyboxSandbox('lifecycle-flags', 'user');
  });
  afterAll(() => disposeSandbox(sb));

  it('--filter of start, stop, restart and rm acts on the matching containers and prints their ids', async () => {
    const a = (await out(['create', '--name', 'fa', '--label', 'grp=x', 'bb', 'sleep', '60'])).trim();
    const b = (await out(['create', '--name', 'fb', '--label', 'grp=x', 'bb', 'sleep', '60'])).trim();
    await out(['create', '--name', 'other', 'bb', 'true']);
    expect((await out(['start', '--filter', 'label=grp=x'])).trim().split('\n').sort()).toEqual([a, b].sort());
    expect([await status('fa'), await status('fb'), await status('other')]).toEqual(['running', 'running', 'created']);
    expect((await out(['restart', '-t', '0', '--filter', 'name=^fa$'])).trim()).toBe(a);
    expect((await out(['stop', '-t', '0', '-f', 'label=grp=x'])).trim().split('\n').sort()).toEqual([a, b].sort());
    expect(await status('fa')).toBe('exited');
    const named = await run(['stop', '--filter', 'label=grp=x', 'fa']);
    expect([named.exitCode, named.stderr]).toEqual([125, 'Error: --filter takes no arguments\n']);
    const bad = await run(['rm', '--filter', 'bogus=1']);
    expect([bad.exitCode, bad.stderr]).toEqual([125, 'Error: bogus is an invalid filter\n']);
    expect((await out(['rm', '--filter', 'name=^f'])).trim().split('\n').sort()).toEqual([a, b].sort());
    expect(await out(['ps', '-a', '--format', '{{.Names}}'])).toBe('other\n');
    await out(['rm', 'other']);
  });

  it('rm refuses a container others depend on; --depend removes them first', async () => {
    const base = (await out(['create', '--name', 'base', 'bb', 'true'])).trim();
    const dep = (await out(['create', '--name', 'dep', '--requires', 'base', 'bb', 'true'])).trim();
    const r = await run(['rm', 'base']);
    expect([r.exitCode, r.stderr]).toEqual([125, `Error: container ${base} has dependent containers which must be removed before it: ${dep}: container already exists\n`]);
    expect(await out(['rm', '--depend', 'base'])).toBe(`${dep}\n${base}\n`);
    expect(await out(['ps', '-aq'])).toBe('');
  });

  it('start --latest and --all; attach --latest usage', async () => {
    await out(['create', '--name', 'old', 'bb', 'true']);
    const latest = (await out(['create', '--name', 'new', 'bb', 'true'])).trim();
    expect((await out(['start', '--latest'])).trim()).toBe(latest);
    await out(['wait', 'new']);
    expect((await out(['start', '--all'])).trim().split('\n')).toHaveLength(2);
    const mixed = await run(['start', '--all', 'old']);
    expect([mixed.exitCode, mixed.stderr]).toEqual([125, 'Error: either start all containers or the container(s) provided in the arguments\n']);
    // A running container is left alone and not printed, named or selected (podman).
    await out(['run', '-d', '--name', 'up', '--label', 'k=v', 'bb', 'sleep', '60']);
    expect(await out(['start', 'up'])).toBe('');
    // --filter with names: the named containers that match.
    await out(['wait', 'old', 'new']);
    expect(await out(['start', '--filter', 'status=exited', 'old'])).toBe(`${(await out(['inspect', '--format', '{{.ID}}', 'old'])).trim()}\n`);
    const both = await run(['attach', '--latest', 'new']);
    expect([both.exitCode, both.stderr]).toEqual([125, 'Error: --latest and containers cannot be used together\n']);
    await out(['rm', '-a', '-f', '-t', '0']);
  });

  it('ps --watch prints the table again every N seconds', async () => {
    await out(['run', '-d', '--name', 'watched', 'bb', 'sleep', '60']);
    const live = spawnLive(sb, cliArgv(sb, ['ps', '--watch', '1', '--format', '{{.Names}}']));
    const framesOf = () => live.stdout().split('\x1b[2J\x1b[1;1H').filter(Boolean);
    // Two frames, however slow the machine (a fixed 2.5 s wait was either too long or, under load, too short).
    await until(() => framesOf().length >= 2 && live.stdout().endsWith('\n'), 30_000, 'a second ps --watch frame');
    process.kill(-live.child.pid!, 'SIGTERM');
    await live.exited;
    const frames = framesOf();
    expect(frames.length).toBeGreaterThanOrEqual(2);
    expect(frames[0]).toBe('watched\n');
    const r = await run(['ps', '--watch', '1', '--latest']);
    expect([r.exitCode, r.stderr]).toEqual([125, 'Error: the watch and latest flags cannot be used together\n']);
    await out(['rm', '-f', '-t', '0', 'watched']);
  });

  it('kill -s: podman\'s messages for a zero, unknown or out-of-range signal; a leading dash is dropped', async () => {
    await out(['run', '-d', '--name', 'k', 'bb', 'sleep', '60']);
    for (const [sig, msg] of [['0', 'invalid signal: 0'], ['BOGUS', 'invalid signal: BOGUS'], ['99', 'valid signals are 1 through 64']]) {
      const r = await run(['kill', '-s', sig!, 'k']);
      expect([r.exitCode, r.stderr]).toEqual([125, `Error: ${msg}\n`]);
    }
    expect(await out(['kill', '--signal=-KILL', 'k'])).toBe('k\n');
    await out(['rm', '-f', '-t', '0', 'k']);
  });

  it('a command that cannot start: run exits 127/126; the container stays created, wait gives 0, start names it', async () => {
    expect((await run(['run', '--rm', 'bb', 'nosuchcmd'])).exitCode).toBe(127);
    expect((await run(['run', '--rm', 'bb', '/etc/passwd'])).exitCode).toBe(126);
    const wd = await run(['run', '--rm', '-w', '/etc/passwd', 'bb', 'true']);
    expect(wd.exitCode).toBe(126);
    expect(wd.stderr).toMatch(/^Error: workdir "\/etc\/passwd" exists on container [0-9a-f]{64}, but is not a directory\n$/);
    const id = (await out(['create', 'bb', 'nosuchcmd'])).trim();
    expect(id).toMatch(ID);
    const s = await run(['start', id]);
    // podman's start exits 125 here (its test/system/130-kill.bats), unlike run.
    expect(s.exitCode).toBe(125);
    expect(s.stderr).toMatch(new RegExp(`^Error: unable to start container "${id}": `));
    expect(await status(id)).toBe('created');
    expect(await out(['wait', id])).toBe('0\n');
    await out(['rm', id]);
  });

  it('cp between two containers (files, directories, /. contents, renames); cp to /dev/stdout is podman\'s "invalid destination"', async () => {
    await out(['run', '-d', '--name', 'c1', 'bb', 'sleep', '120']);
    await out(['run', '-d', '--name', 'c2', 'bb', 'sleep', '120']);
    await out(['exec', 'c1', 'sh', '-c', 'mkdir -p /d/sub && echo one > /d/sub/f && echo two > /d/g']);
    expect(await out(['cp', 'c1:/d/g', 'c2:/tmp/renamed'])).toBe('');
    expect(await out(['exec', 'c2', 'cat', '/tmp/renamed'])).toBe('two\n');
    await out(['cp', 'c1:/d', 'c2:/tmp']);
    expect((await out(['exec', 'c2', 'find', '/tmp/d'])).trim().split('\n').sort()).toEqual(['/tmp/d', '/tmp/d/g', '/tmp/d/sub', '/tmp/d/sub/f']);
    await out(['cp', 'c1:/d/.', 'c2:/tmp/new']);
    expect(await out(['exec', 'c2', 'cat', '/tmp/new/sub/f'])).toBe('one\n');
    const missing = await run(['cp', 'c1:/nosuch', 'c2:/tmp']);
    expect(missing.exitCode).toBe(125);
    const so = await run(['cp', 'c1:/d/g', '/dev/stdout']);
    expect([so.exitCode, so.stdout, so.stderr]).toEqual([125, '', 'Error: invalid destination: "/dev/stdout" must be a directory or a regular file\n']);
    await out(['rm', '-f', '-t', '0', 'c1', 'c2']);
  });

  it('exec --preserve-fds passes our fds 3.. to the command', async () => {
    await out(['run', '-d', '--name', 'pfx', 'bb', 'sleep', '120']);
    const { cliLine } = await import('./run-util.js');
    const live = spawnLive(sb, ['sh', '-c', `${cliLine(sb, ['exec', '--preserve-fds', '1', 'pfx', 'sh', '-c', 'cat <&3'])} 3</etc/hostname`]);
    expect(await live.exited, live.stderr()).toBe(0);
    expect(live.stdout()).toBe((await import('node:fs')).readFileSync('/etc/hostname', 'utf8'));
    const none = await run(['exec', '--preserve-fds', '1', 'pfx', 'true']);
    expect([none.exitCode, none.stderr]).toEqual([125, 'Error: file descriptor 3 is not available - the preserve-fds option requires that file descriptors must be passed\n']);
    await out(['rm', '-f', '-t', '0', 'pfx']);
  });

  it('a published port in use: 126 and the address, nothing left running', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen({ host: '0.0.0.0', port: 0 }, r));
    const port = (srv.address() as net.AddressInfo).port;
    try {
      const r = await run(['run', '--rm', '-p', `${port}:80`, 'bb', 'true']);
      expect([r.exitCode, r.stderr]).toEqual([126, `Error: rootlessport listen tcp 0.0.0.0:${port}: bind: address already in use\n`]);
      expect(await out(['ps', '-aq'])).toBe('');
    } finally {
      srv.close();
    }
  });
});
