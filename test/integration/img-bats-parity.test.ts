// Differences from podman 4.3 found by running podman's own system tests
// (test/system: 001-basic, 015-help, 037-runlabel, 120-load, 150-login)
// against tsc-run, each checked beside podman on this machine. As the test user.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess, STD_PATH, tscRun, tscRunOk, type ProcResult } from '../harness/index.js';
import { busyboxStore, disposeStore, emptyStore, type BusyboxStore } from '../harness/fixtures.js';
import { buildBusyboxImage, type OciImage } from '../harness/images.js';
import { pushImage, startRegistry, type Registry } from '../harness/registry.js';
import type { Sandbox } from '../harness/sandbox.js';

const podmanHome = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-img-bats-podman-'));
function podman(args: readonly string[]): Promise<ProcResult> {
  return runProcess('podman', args, { env: { HOME: podmanHome, XDG_RUNTIME_DIR: podmanHome, PATH: STD_PATH, LANG: 'C.UTF-8' } });
}

let sb: BusyboxStore;
let other: Sandbox;
beforeAll(async () => {
  sb = await busyboxStore('img-bats');
  other = await emptyStore('img-bats-other');
});
afterAll(async () => {
  await disposeStore(sb);
  await disposeStore(other);
  fs.rmSync(podmanHome, { recursive: true, force: true });
});

describe('global flags (001-basic)', () => {
  it('--debug and -D are --log-level=debug; with --log-level too, podman\'s refusal and exit 1', async () => {
    for (const flag of ['--debug', '-D']) {
      const r = await tscRun([flag, 'info', '--format', '{{.Host.Arch}}'], { sandbox: sb });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/ level=debug /);
      expect(r.stderr).not.toMatch(/ level=trace /);
    }
    const args = ['--debug', '--log-level=panic', 'info'];
    const [ours, theirs] = await Promise.all([tscRun(args, { sandbox: sb }), podman(args)]);
    expect(theirs).toMatchObject({ exitCode: 1, stderr: 'Setting --log-level and --debug is not allowed\n' });
    expect(ours).toMatchObject({ exitCode: theirs.exitCode, stdout: '', stderr: theirs.stderr });
  });

  it('the remote client flags are refused with a reason before the command word, unknown after it (as podman)', async () => {
    for (const args of [['--remote'], ['-r'], ['--connection', 'x'], ['-c', 'x'], ['--url', 'unix:/x'], ['--identity', '/x'], ['--ssh', 'native'], ['--context', 'x']]) {
      const r = await tscRun([...args, 'volume', 'create', 'never'], { sandbox: sb });
      expect(r.exitCode, args.join(' ')).toBe(125);
      expect(r.stderr, args.join(' ')).toMatch(/^Error: --\S+( x)? is not supported: .+\n$/);
    }
    expect((await tscRun(['volume', 'exists', 'never'], { sandbox: sb })).exitCode).toBe(1);
    // docker's "default" context is the local engine; --remote=false is too.
    expect((await tscRun(['--context', 'default', '--remote=false', 'version', '--format', '{{.Client.Os}}'], { sandbox: sb })).stdout).toBe('linux\n');
    const after = await tscRun(['version', '--remote'], { sandbox: sb });
    expect(after).toMatchObject({ exitCode: 125, stderr: "Error: unknown flag: --remote\nSee 'tsc-run version --help'\n" });
    const missing = await tscRun(['--connection'], { sandbox: sb });
    expect(missing).toMatchObject({ exitCode: 125 });
    expect(missing.stderr).toMatch(/^Error: flag needs an argument: --connection\n/);
    const help = await tscRunOk(['--help'], { sandbox: sb });
    expect(help.stdout).toMatch(/^ {2}-r, --remote /m);
    expect(help.stdout).toMatch(/^ {2}-c, --connection string /m);
    expect(help.stdout).not.toMatch(/--debug|--registries-conf|--trace/);
  });

  it('--config warns as podman does and goes on; the hidden engine flags are refused with a reason', async () => {
    const r = await tscRun(['--config', '/nonexistent', 'version', '--format', '{{.Client.Os}}'], { sandbox: sb });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'linux\n' });
    expect(r.stderr).toMatch(/The --config flag is ignored by tsc-run\. Exists for Docker compatibility/);
    for (const args of [['--conmon', '/usr/bin/conmon'], ['--namespace', 'ns'], ['--trace'], ['--cpu-profile', '/tmp/p'], ['--max-workers', '2'], ['--network-backend', 'netavark'], ['--default-mounts-file', '/x']]) {
      const v = await tscRun([...args, 'volume', 'create', 'never2'], { sandbox: sb });
      expect(v.exitCode, args[0]).toBe(125);
      expect(v.stderr, args[0]).toMatch(new RegExp(`^Error: ${args[0]} is not supported: .+\\n$`));
    }
  });

  it('--registries-conf replaces registries.conf (podman\'s message for a missing file)', async () => {
    const conf = sb.file('regs.conf', 'unqualified-search-registries = ["example.org"]\n');
    const r = await tscRunOk(['--registries-conf', conf, 'info', '--format', '{{.Registries}}'], { sandbox: sb });
    expect(r.stdout).toBe('map[search:[example.org]]\n');
    const args = ['--registries-conf', '/nonexistent.conf', 'info'];
    const [ours, theirs] = await Promise.all([tscRun(args, { sandbox: sb }), podman(args)]);
    expect(ours.exitCode).toBe(theirs.exitCode);
    expect(ours.stderr).toBe(theirs.stderr);
  });
});

describe('version --format (001-basic, 010-images)', () => {
  it('reads as local podman: no Server in json, {{.Server}} <nil>, .Server.X and bare fields fall back to the client', async () => {
    const run = async (f: string) => (await tscRunOk(['version', '--format', f], { sandbox: sb })).stdout;
    const v = (await run('{{.Client.Version}}')).trim();
    expect(await run('{{.Server.Version}}-{{.Server.Built}}')).toBe(`${v}-${(await run('{{.Client.Built}}')).trim()}\n`);
    expect(await run('{{.Version}} {{.OsArch}}')).toBe(`${v} linux/${os.arch() === 'x64' ? 'amd64' : os.arch()}\n`);
    expect(await run('{{.Server}}')).toBe('<nil>\n');
    const [ours, theirs] = await Promise.all([run('{{json .}}'), podman(['version', '--format', '{{json .}}'])]);
    expect(Object.keys(JSON.parse(ours) as object)).toEqual(Object.keys(JSON.parse(theirs.stdout) as object));
    expect(Object.keys(JSON.parse(ours) as object)).toEqual(['Client']);
    const bad = await tscRun(['version', '--format', '{{.Nope}}'], { sandbox: sb });
    expect(bad.exitCode).toBe(125);
  });
});

describe('arguments (015-help)', () => {
  it("surplus ones say cobra's count of arguments, not 'unknown flag'; -l with a container is refused", async () => {
    for (const args of [['version', 'x'], ['info', 'x', 'y'], ['images', 'a', 'b'], ['login', 'a', 'b'], ['image', 'exists', 'a', 'b']]) {
      const [ours, theirs] = await Promise.all([tscRun(args, { sandbox: sb }), podman(args)]);
      expect(ours.exitCode, args.join(' ')).toBe(125);
      expect(ours.stderr, args.join(' ')).toBe(theirs.stderr.replace(/podman/g, 'tsc-run'));
    }
    for (const cmd of [['logs'], ['container', 'logs'], ['wait']]) {
      const r = await tscRun([...cmd, '-l', 'nonexistent-container'], { sandbox: sb });
      expect(r, cmd.join(' ')).toMatchObject({ exitCode: 125, stderr: 'Error: --latest and containers cannot be used together\n' });
    }
    const attach = await tscRun(['attach', 'x0', 'x1'], { sandbox: sb });
    expect(attach).toMatchObject({ exitCode: 125, stderr: 'Error: accepts at most 1 arg(s), received 2\n' });
  });
});

describe('names (120-load, 001-basic)', () => {
  it('a name added to an image that exists comes first, as containers/storage: `images NAME` after save | rmi | load', async () => {
    await tscRunOk(['tag', 'bb', 'localhost/x0name:t0'], { sandbox: sb });
    await tscRunOk(['save', '-q', '--format', 'oci-archive', '-o', `${sb.dir}/named.tar`, 'localhost/x0name:t0'], { sandbox: sb });
    await tscRunOk(['rmi', 'localhost/x0name:t0'], { sandbox: sb });
    expect((await tscRunOk(['load', '-q', '-i', `${sb.dir}/named.tar`], { sandbox: sb })).stdout).toBe('Loaded image: localhost/x0name:t0\n');
    const r = await tscRunOk(['images', 'localhost/x0name:t0', '--format', '{{.Repository}}:{{.Tag}}'], { sandbox: sb });
    expect(r.stdout).toBe('localhost/x0name:t0\nlocalhost/bb:latest\n');
    await tscRunOk(['rmi', 'localhost/x0name:t0'], { sandbox: sb });
  });

  describe('against a registry', () => {
    let reg: Registry;
    let secured: Registry;
    let image: OciImage;
    beforeAll(async () => {
      reg = await startRegistry();
      secured = await startRegistry({ auth: { user: 'u', password: 'p' } });
      image = await buildBusyboxImage({});
      await pushImage(reg, 'bb', 'latest', image);
    });
    afterAll(async () => {
      await reg?.stop();
      await secured?.stop();
    });

    it('untag IMAGE repo:tag@digest removes repo@digest and keeps the tag (libimage drops the tag of a tagged and digested name)', async () => {
      const ref = `${reg.host}/bb:latest`;
      await tscRunOk(['pull', '-q', '--tls-verify=false', ref], { sandbox: other });
      await tscRunOk(['pull', '-q', '--tls-verify=false', `${ref}@${image.manifestDigest}`], { sandbox: other });
      const names = async () => (await tscRunOk(['image', 'inspect', '--format', '{{.RepoTags}} {{len .RepoDigests}}', ref], { sandbox: other })).stdout;
      expect(await names()).toBe(`[${ref}] 1\n`);
      await tscRunOk(['untag', ref, `${ref}@${image.manifestDigest}`], { sandbox: other });
      expect((await tscRun(['image', 'exists', ref], { sandbox: other })).exitCode).toBe(0);
      const again = await tscRun(['untag', ref, `${ref}@${image.manifestDigest}`], { sandbox: other });
      expect(again).toMatchObject({ exitCode: 125, stderr: `Error: ${reg.host}/bb@${image.manifestDigest}: tag not known\n` });
      await tscRunOk(['rmi', '-f', ref], { sandbox: other });
    });

    it("a push whose credentials are wrong ends with podman's 'unauthorized: authentication required' (150-login)", async () => {
      const auth = sb.file('wrong-auth.json', JSON.stringify({ auths: { [secured.host]: { auth: Buffer.from('baduser:wrongpassword').toString('base64') } } }));
      const r = await tscRun(['push', '--authfile', auth, '--tls-verify=false', 'bb', `${secured.host}/badpush:1`], { sandbox: sb });
      expect(r.exitCode).toBe(125);
      expect(r.stderr).toMatch(/: unauthorized: authentication required\n$/);
    });
  });
});

describe('a damaged image (330-corrupt-images)', () => {
  it("images fails with podman's message; rmi removes it with podman's warning; images works again", async () => {
    const store = await emptyStore('img-bats-damaged');
    try {
      await tscRunOk(['save', '-q', '-o', `${sb.dir}/bb-damaged.tar`, 'bb'], { sandbox: sb });
      await tscRunOk(['load', '-q', '-i', `${sb.dir}/bb-damaged.tar`], { sandbox: store });
      fs.rmSync(path.join(store.root, 'blobs', 'sha256', sb.image.id));
      const listed = await tscRun(['images'], { sandbox: store });
      expect(listed).toMatchObject({ exitCode: 125, stdout: '' });
      const id = sb.image.id;
      expect(listed.stderr).toBe(
        `Error: retrieving label for image "${id}": you may need to remove the image to resolve the error: locating item named "sha256:${id}" for image with ID "${id}" (consider removing the image to resolve the issue): file does not exist\n`,
      );
      const r = await tscRun(['rmi', 'bb'], { sandbox: store });
      expect(r).toMatchObject({ exitCode: 0, stdout: `Untagged: localhost/bb:latest\nDeleted: ${sb.image.id}\n` });
      expect(r.stderr).toMatch(/Failed to determine parent of image: .*, ignoring the error/);
      expect(await tscRunOk(['images', '-a', '--noheading'], { sandbox: store })).toMatchObject({ stdout: '' });
    } finally {
      await disposeStore(store);
    }
  });
});

describe('runlabel of an image built with the old LABEL form (037-runlabel)', () => {
  it('LABEL key value... is one label; runlabel --display expands it', async () => {
    const ctx = path.join(sb.dir, 'runlabel-ctx');
    fs.mkdirSync(ctx);
    fs.writeFileSync(path.join(ctx, 'Containerfile'), 'FROM bb\nLABEL  INSTALL  /usr/bin/podman  run  --rm  \\${OPT1} -e NAME=\\${NAME} \\${IMAGE} /bin/install.sh \\${OPT3}\n');
    sb.chown(ctx);
    sb.chown(path.join(ctx, 'Containerfile'));
    await tscRunOk(['build', '-q', '-t', 'runlabel_image', ctx], { sandbox: sb, timeoutMs: 120_000 });
    const label = await tscRunOk(['image', 'inspect', '--format', '{{index .Labels "INSTALL"}}', 'runlabel_image'], { sandbox: sb });
    expect(label.stdout).toBe('/usr/bin/podman  run  --rm  ${OPT1} -e NAME=${NAME} ${IMAGE} /bin/install.sh ${OPT3}\n');
    const r = await tscRunOk(['container', 'runlabel', '--opt1=A1', '--opt3=A3', '--name', 'test1', '--display', 'install', 'runlabel_image'], { sandbox: sb });
    expect(r.stdout).toMatch(/^command: tsc-run .*run --rm A1 -e NAME=test1 localhost\/runlabel_image:latest \/bin\/install\.sh A3\n$/);
    await tscRunOk(['rmi', 'runlabel_image'], { sandbox: sb });
  });
});
