// Differences found by running podman 4.3.1's own system tests
// (test/system/*.bats) against tsc-run, each checked here as podman behaves.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun } from '../harness/cli.js';
import type { Sandbox } from '../harness/sandbox.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await busyboxSandbox('bats-parity', 'user');
}, 180_000);
afterAll(async () => {
  await disposeSandbox(sb);
});
const run = (args: string[]) => tscRun(args, { sandbox: sb, timeoutMs: 60_000 });

describe('as podman 4.3.1\'s system tests expect', () => {
  it('inspect --format {{.ID}} works on containers and images, as {{.Id}} does (030-run, 010-images)', async () => {
    const id = (await run(['create', '--name', 'fmt', 'bb', 'true'])).stdout.trim();
    expect((await run(['inspect', '--format', '{{.ID}} {{.Id}}', 'fmt'])).stdout).toBe(`${id} ${id}\n`);
    // 'bb:latest', not 'bb': inspect looks up containers first, and one time in
    // 256 the container's id starts with "bb" (podman resolves it the same way).
    const img = await run(['inspect', '--format', '{{.ID}}', 'bb:latest']);
    expect(img.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    expect((await run(['image', 'inspect', '--format', '{{.Id}}', 'bb:latest'])).stdout).toBe(img.stdout);
    await run(['rm', 'fmt']);
  });

  it('run -a stdin prints the container id, its output goes nowhere (030-run)', async () => {
    const r = await run(['run', '--name', 'astdin', '--attach', 'stdin', 'bb', 'echo', 'hello']);
    expect(r.exitCode, r.stderr).toBe(0);
    const id = (await run(['inspect', '--format', '{{.Id}}', 'astdin'])).stdout;
    expect(r.stdout).toBe(id);
    await run(['rm', 'astdin']);
  });

  it('--kernel-memory is taken and said to do nothing (030-run)', async () => {
    const r = await run(['run', '--rm', '--kernel-memory', '100', 'bb', 'true']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/level=warning msg="The --kernel-memory flag is no longer supported. This flag is a noop."/);
  });

  it('--log-opt max-size shows go-units\' four digits (030-run)', async () => {
    await run(['create', '--name', 'lo', '--log-opt', 'max-size=7.021m', 'bb', 'true']);
    expect((await run(['inspect', '--format', '{{ .HostConfig.LogConfig.Size }}', 'lo'])).stdout).toBe('7.021MB\n');
    await run(['rm', 'lo']);
  });

  it('info and version with an empty --format print an empty line (250-systemd)', async () => {
    expect(await run(['--log-level', 'warning', '--cgroup-manager=cgroupfs', 'info', '-f', ''])).toMatchObject({ exitCode: 0, stdout: '\n', stderr: '' });
    expect(await run(['version', '--format', ''])).toMatchObject({ exitCode: 0, stdout: '\n' });
    expect(await run(['version', '--format='])).toMatchObject({ exitCode: 0, stdout: '\n' });
  });

  it('bool flags take pflag\'s words: --rm=1 removes, -a=F lists running only, --rm=yes is refused', async () => {
    expect((await run(['run', '--rm=1', '--name', 'rm1', 'bb', 'true'])).exitCode).toBe(0);
    expect((await run(['ps', '--all=T', '--format', '{{.Names}}'])).stdout).not.toContain('rm1');
    const bad = await run(['run', '--rm=yes', 'bb', 'true']);
    expect([bad.exitCode, bad.stderr]).toEqual([125, 'Error: invalid argument "yes" for "--rm" flag: strconv.ParseBool: parsing "yes": invalid syntax\nSee \'tsc-run run --help\'\n']);
  });

  it('pod commands: podman\'s words for --all/--latest/names together (015-help)', async () => {
    for (const c of ['kill', 'stop', 'start', 'rm', 'pause', 'unpause', 'restart']) {
      expect(await run(['pod', c, '--all', '--latest'])).toMatchObject({ exitCode: 125, stderr: 'Error: --all and --latest cannot be used together\n' });
      expect(await run(['pod', c, '-l', 'p1'])).toMatchObject({ exitCode: 125, stderr: 'Error: --latest and containers cannot be used together\n' });
      expect(await run(['pod', c, '--all', 'p1'])).toMatchObject({ exitCode: 125, stderr: 'Error: no arguments are needed with --all\n' });
    }
    expect(await run(['pod', 'inspect', '-l', 'p1'])).toMatchObject({ exitCode: 125, stderr: 'Error: --latest and arguments cannot be used together\n' });
  });

  it('help --help describes the help command, as cobra\'s (015-help, 600-completion)', async () => {
    const text = 'Help provides help for any command in the application.\nSimply type tsc-run help [path to command] for full details.\n\nUsage:\n  tsc-run help [command] [flags]\n\n';
    expect(await run(['help', '--help'])).toMatchObject({ exitCode: 0, stdout: text });
    expect(await run(['help', 'pod', '-h'])).toMatchObject({ exitCode: 0, stdout: text });
    expect((await run(['help', 'pod'])).stdout).toMatch(/^Manage pods/);
  });

  it('info names the helper where podman names its OCI runtime\'s path (005-info)', async () => {
    const fs = await import('node:fs');
    const p = (await run(['info', '--format', '{{.Host.OCIRuntime.Path}}'])).stdout.trim();
    expect(p).toMatch(/^\/.*(tsc-run-helper|\/helper-[0-9a-f]{64})$/);
    fs.accessSync(p, fs.constants.X_OK);
  });

  it('port bindings print as Go structs in templates, as podman; JSON keeps their keys (500-networking)', async () => {
    await run(['create', '--name', 'pb', '-p', '8080:80', 'bb', 'true']);
    expect((await run(['inspect', '--format', '{{.HostConfig.PortBindings}} {{.NetworkSettings.Ports}}', 'pb'])).stdout).toBe('map[80/tcp:[{ 8080}]] map[80/tcp:[{ 8080}]]\n');
    expect((await run(['inspect', '--format', '{{json .HostConfig.PortBindings}}', 'pb'])).stdout).toBe('{"80/tcp":[{"HostIp":"","HostPort":"8080"}]}\n');
    await run(['rm', 'pb']);
  });

  it('an unknown flag: pflag\'s line, then cobra\'s hint (300-cli-parsing)', async () => {
    const r = await run(['run', '-h']);
    expect([r.exitCode, r.stderr]).toEqual([125, "Error: flag needs an argument: 'h' in -h\nSee 'tsc-run run --help'\n"]);
  });

  it('an unknown shorthand: pflag names the letter and the rest of its group', async () => {
    expect((await run(['ps', '-o'])).stderr).toBe("Error: unknown shorthand flag: 'o' in -o\nSee 'tsc-run ps --help'\n");
    expect((await run(['ps', '-xo'])).stderr).toBe("Error: unknown shorthand flag: 'x' in -xo\nSee 'tsc-run ps --help'\n");
    expect((await run(['ps', '-ao'])).stderr).toBe("Error: unknown shorthand flag: 'o' in -o\nSee 'tsc-run ps --help'\n");
  });
});

describe('build, as podman 4.3.1\'s system tests expect', () => {
  it('ADD of an empty file and of a 2-byte file copies them (125-import; a short file crashed the archive sniffing)', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const ctx = path.join(sb.home, 'short-ctx');
    fs.mkdirSync(ctx, { recursive: true });
    fs.writeFileSync(path.join(ctx, 'empty'), '');
    fs.writeFileSync(path.join(ctx, 'two'), 'hi');
    fs.writeFileSync(path.join(ctx, 'Containerfile'), 'FROM bb\nADD empty /tmp/\nADD two /tmp/\n');
    fs.chmodSync(sb.home, 0o755);
    for (const f of ['', 'empty', 'two', 'Containerfile']) fs.chmodSync(path.join(ctx, f), f ? 0o644 : 0o755);
    const b = await tscRun(['build', '-q', '-t', 'short', ctx], { sandbox: sb, timeoutMs: 120_000 });
    expect(b.exitCode, b.stderr).toBe(0);
    expect((await run(['run', '--rm', 'short', 'sh', '-c', 'wc -c < /tmp/empty; cat /tmp/two'])).stdout).toBe('0\nhi');
  }, 180_000);
});

describe('build - (040-ps, 200-pod)', () => {
  it('a Containerfile on stdin builds in an empty context, as buildah', async () => {
    const r = await tscRun(['build', '-q', '-t', 'fromstdin', '-'], { sandbox: sb, input: 'FROM bb\nRUN echo built > /built\nLABEL via=stdin\n', timeoutMs: 120_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect((await run(['run', '--rm', 'fromstdin', 'cat', '/built'])).stdout).toBe('built\n');
    // A Containerfile that COPYs finds nothing: the context is empty.
    const copy = await tscRun(['build', '-t', 'nocopy', '-'], { sandbox: sb, input: 'FROM bb\nCOPY Containerfile /\n', timeoutMs: 120_000 });
    expect(copy.exitCode).toBe(125);
  }, 180_000);
});

describe('exec (075-exec)', () => {
  it('exec --user NAME finds the user --userns=keep-id added to /etc/passwd', async () => {
    await run(['run', '-d', '--name', 'kid', '--userns=keep-id', 'bb', 'sleep', '60']);
    const name = (await run(['exec', 'kid', 'id', '-un'])).stdout.trim();
    expect(name).not.toBe('');
    const r = await run(['exec', `--user=${name}`, 'kid', 'id', '-un']);
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([0, `${name}\n`, '']);
    await run(['rm', '-f', '-t', '0', 'kid']);
  });
});

describe('kill (130-kill)', () => {
  it('kill -s -INT: the word after -s is its value, as pflag reads it', async () => {
    await run(['run', '-d', '--name', 'trapper', 'bb', 'sh', '-c', 'trap "echo got: 2" INT; echo READY; while :; do sleep 0.1; done']);
    for (let i = 0; i < 50 && !(await run(['logs', 'trapper'])).stdout.includes('READY'); i++) await new Promise((r) => setTimeout(r, 100));
    const k = await run(['kill', '-s', '-INT', 'trapper']);
    expect([k.exitCode, k.stdout, k.stderr]).toEqual([0, 'trapper\n', '']);
    let logs = '';
    for (let i = 0; i < 50 && !logs.includes('got: 2'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      logs = (await run(['logs', 'trapper'])).stdout;
    }
    expect(logs).toContain('got: 2');
    const bad = await run(['kill', '-s', '-SIGBADSIG', 'trapper']);
    expect([bad.exitCode, bad.stderr]).toEqual([125, 'Error: invalid signal: SIGBADSIG\n']);
    await run(['rm', '-f', '-t', '0', 'trapper']);
  });
});

describe('inspect and start filters (010-images, 045-start)', () => {
  it('inspect --format given twice: the last wins; start --filter restart-policy=', async () => {
    const id = (await run(['create', '--name', 'twice', '--restart', 'always', 'bb', 'true'])).stdout.trim();
    expect((await run(['inspect', '--format', '{{.XYZ}}', '--format', '{{.ID}}', 'twice'])).stdout).toBe(`${id}\n`);
    expect((await run(['start', '--filter', 'restart-policy=always', id])).stdout).toBe(`${id}\n`);
    const bad = await run(['start', '--filter', 'restart-policy=fakepolicy', id]);
    expect([bad.exitCode, bad.stderr]).toEqual([125, 'Error: fakepolicy invalid restart policy\n']);
    await run(['rm', '-f', '-t', '0', 'twice']);
  });
});
