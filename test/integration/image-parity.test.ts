// Image commands beside podman 4.3's observed behaviour: load of a payload
// that is no image archive (podman's message, no progress output), the
// Go-template fields scripts read from images/history, save | load keeping
// the saved name; against docker-registry: pull by tag and digest, rmi by id
// of an image with a tag and a digest name, push refused with 401, no
// XDG_RUNTIME_DIR. As the test user.

import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import { busyboxStore, disposeStore, emptyStore, type BusyboxStore } from '../harness/fixtures.js';
import { buildBusyboxImage, type OciImage } from '../harness/images.js';
import { pushImage, startRegistry, type Registry } from '../harness/registry.js';
import type { Sandbox } from '../harness/sandbox.js';

let sb: BusyboxStore;
let other: Sandbox;
beforeAll(async () => {
  sb = await busyboxStore('image-parity');
  other = await emptyStore('image-parity-load');
});
afterAll(async () => {
  await disposeStore(sb);
  await disposeStore(other);
});

const run = (args: string[], input?: Buffer) => tscRun(args, { sandbox: sb, ...(input ? { input } : {}) });

describe('load of something that is not an image archive', () => {
  it("says podman's message, exits 125, and prints no progress (not even without -q)", async () => {
    const saved = (await tscRunOk(['save', '-q', '-o', 'bb.tar', 'bb'], { sandbox: sb, cwd: sb.dir })).exitCode;
    expect(saved).toBe(0);
    const cases: Array<[string, string]> = [
      ['random bytes', sb.file('junk.bin', crypto.randomBytes(5000))],
      ['text', sb.file('text.txt', 'hello\n')],
      ['empty', sb.file('empty.tar', Buffer.alloc(0))],
      ['truncated tar', sb.file('trunc.tar', fs.readFileSync(`${sb.dir}/bb.tar`).subarray(0, 100_000))],
    ];
    for (const [label, file] of cases) {
      const r = await run(['load', '-i', file]);
      expect(r.exitCode, label).toBe(125);
      expect(r.stdout, label).toBe('');
      expect(r.stderr, label).toMatch(/^Error: payload does not match any of the supported image formats[^\n]*\n$/);
    }
    const piped = await run(['load'], crypto.randomBytes(3000));
    expect(piped).toMatchObject({ exitCode: 125, stdout: '' });
    expect(piped.stderr).toMatch(/^Error: payload does not match any of the supported image formats[^\n]*\n$/);
  });

  it('save | load keeps the saved name (docker-archive and oci-archive)', async () => {
    for (const format of ['docker-archive', 'oci-archive']) {
      const r = await tscRun(['save', '-q', '--format', format, '-o', `${format}.tar`, 'bb'], { sandbox: sb, cwd: sb.dir });
      expect(r.exitCode, r.stderr).toBe(0);
      const file = `${sb.dir}/${format}.tar`;
      const l = await tscRun(['load', '-q', '-i', file], { sandbox: other });
      expect(l, format).toMatchObject({ exitCode: 0, stdout: 'Loaded image: localhost/bb:latest\n' });
      expect((await tscRunOk(['images', '--format', '{{.Repository}}:{{.Tag}} {{.Id}}'], { sandbox: other })).stdout).toBe(`localhost/bb:latest ${sb.image.id}\n`);
      await tscRunOk(['rmi', 'bb'], { sandbox: other });
    }
  });
});

describe('template fields', () => {
  it('images: .ID short, .Id full, .Digest, .RepoTags, .CreatedAt as Go prints a time', async () => {
    const r = await tscRunOk(['images', '--format', '{{.ID}} {{.Id}} {{.Digest}} {{.RepoTags}} {{.CreatedAt}}', 'bb'], { sandbox: sb });
    const id = sb.image.id;
    expect(r.stdout).toMatch(new RegExp(`^${id.slice(0, 12)} ${id} sha256:[0-9a-f]{64} \\[localhost/bb:latest\\] \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d+)? \\+0000 UTC\\n$`));
    const inspect = await tscRunOk(['image', 'inspect', '--format', '{{.ID}} {{.Id}} {{.Digest}} {{.RepoTags}}', 'bb'], { sandbox: sb });
    expect(inspect.stdout).toMatch(new RegExp(`^${id} ${id} sha256:[0-9a-f]{64} \\[localhost/bb:latest\\]\\n$`));
  });

  it('history: .CreatedAt in whole seconds as podman (2022-06-15 00:00:00 +0000 UTC)', async () => {
    const r = await tscRunOk(['history', '--format', '{{.CreatedAt}}', 'bb'], { sandbox: sb });
    expect(r.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC\n$/);
  });
});

describe('against a registry', () => {
  let reg: Registry;
  let secured: Registry;
  let bbImage: OciImage;
  beforeAll(async () => {
    reg = await startRegistry();
    secured = await startRegistry({ auth: { user: 'u', password: 'p' } });
    bbImage = await buildBusyboxImage({});
    await pushImage(reg, 'bb', 'latest', bbImage);
    await pushImage(reg, 'bb', 'other', await buildBusyboxImage({ config: { Cmd: ['true'] } }));
  });
  afterAll(async () => {
    await reg?.stop();
    await secured?.stop();
  });

  it('pull NAME:TAG@DIGEST: the digest wins (the tag names another image)', async () => {
    const r = await tscRun(['pull', '-q', '--tls-verify=false', `${reg.host}/bb:other@${bbImage.manifestDigest}`], { sandbox: other });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${bbImage.configDigest.slice('sha256:'.length)}\n`);
    const names = await tscRunOk(['images', '--format', '{{.Repository}} {{.Digest}}', '--filter', `reference=${reg.host}/bb`], { sandbox: other });
    expect(names.stdout).toContain(`${reg.host}/bb ${bbImage.manifestDigest}`);
  });

  it('rmi by id of an image with a tag and a digest name: refused without -f, both names untagged with -f (podman 4.3 here)', async () => {
    await tscRunOk(['pull', '-q', '--tls-verify=false', `${reg.host}/bb:latest`], { sandbox: other });
    await tscRunOk(['pull', '-q', '--tls-verify=false', `${reg.host}/bb@${bbImage.manifestDigest}`], { sandbox: other });
    const id = bbImage.configDigest.slice('sha256:'.length);
    const refused = await tscRun(['rmi', id], { sandbox: other });
    expect(refused.exitCode).toBe(125);
    expect(refused.stderr).toMatch(new RegExp(`^Error: unable to delete image "${id}" by ID with more than one tag \\(\\[.*\\]\\): please force removal\n$`));
    // rmi NAME@DIGEST of that digest name only untags it (podman's 010-images.bats), and a new pull brings it back.
    expect((await tscRunOk(['rmi', `${reg.host}/bb@${bbImage.manifestDigest}`], { sandbox: other })).stdout).toBe(`Untagged: ${reg.host}/bb@${bbImage.manifestDigest}\n`);
    expect((await tscRunOk(['images', '-q'], { sandbox: other })).stdout).toBe(`${id.slice(0, 12)}\n`);
    await tscRunOk(['pull', '-q', '--tls-verify=false', `${reg.host}/bb@${bbImage.manifestDigest}`], { sandbox: other });
    const r = await tscRun(['rmi', '-f', id], { sandbox: other });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Untagged: ${reg.host}/bb:latest\n`);
    expect(r.stdout).toContain(`Untagged: ${reg.host}/bb@${bbImage.manifestDigest}\n`);
    expect(r.stdout).toContain(`Deleted: ${id}\n`);
    expect((await tscRunOk(['images', '-q'], { sandbox: other })).stdout).toBe('');
  });

  it("a push refused with 401 says podman's 'unauthorized: authentication required'", async () => {
    const r = await tscRun(['push', '--tls-verify=false', 'bb', `${secured.host}/bb:1`], { sandbox: sb });
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toMatch(/^Error: .*unauthorized: authentication required\n$/m);
  });

  it('without XDG_RUNTIME_DIR: pull works, and an unreadable default auth file means no credentials', async () => {
    const tmp = `${sb.dir}/tmp`;
    fs.mkdirSync(`${tmp}/podman-run-${sb.owner.uid}/containers`, { recursive: true });
    const auth = `${tmp}/podman-run-${sb.owner.uid}/containers/auth.json`;
    fs.writeFileSync(auth, '{"auths":{}}', { mode: 0o000 });
    sb.chown(tmp);
    fs.chmodSync(auth, 0o000);
    const env = { XDG_RUNTIME_DIR: '', TMPDIR: tmp };
    const r = await tscRun(['pull', '-q', '--tls-verify=false', `${reg.host}/bb:latest`], { sandbox: sb, env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    // An explicit file that cannot be read stays an error.
    const explicit = await tscRun(['pull', '-q', '--tls-verify=false', '--authfile', auth, `${reg.host}/bb:latest`], { sandbox: sb, env });
    expect(explicit.exitCode).toBe(125);
    expect(explicit.stderr).toMatch(/^Error: reading .*auth\.json: .*permission denied/);
  });
});
