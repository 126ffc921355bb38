// The signature policy (containers-policy.json) as podman enforces it: the
// user's ~/.config/containers/policy.json (or --signature-policy) decides
// whether pull, run's auto-pull, load and pull from archives may bring an
// image in, and whether push and save may copy one out of the store
// (podman judges their source, its containers-storage). A rejected image
// leaves nothing behind; a signature requirement is refused by name, never
// accepted unverified. Against Debian's docker-registry, as the test user;
// side by side with podman where it runs (root).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import { disposeStore, emptyStore } from '../harness/fixtures.js';
import { buildBusyboxImage, buildBusyboxRootfsTar, type OciImage } from '../harness/images.js';
import { runProcess } from '../harness/proc.js';
import { pushImage, startRegistry, type Registry } from '../harness/registry.js';
import type { Sandbox } from '../harness/sandbox.js';
import { isRoot } from '../harness/user.js';

let reg: Registry;
let bb: OciImage;
let sb: Sandbox;

const ACCEPT = [{ type: 'insecureAcceptAnything' }];
const REJECT = [{ type: 'reject' }];

/** The test user's own policy file, as podman reads it. */
function userPolicy(policy: unknown): void {
  const dir = path.join(sb.home, '.config', 'containers');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'policy.json'), JSON.stringify(policy, null, 2));
  sb.chown(path.join(sb.home, '.config'));
}

beforeAll(async () => {
  reg = await startRegistry();
  bb = await buildBusyboxImage({ config: { Cmd: ['echo', 'admitted'] } });
  await pushImage(reg, 'locked/app', '1', bb);
  await pushImage(reg, 'open/app', '1', bb);
  await pushImage(reg, 'signed/app', '1', bb);
  sb = await emptyStore('image-trust-policy', 'user');
});
afterAll(async () => {
  await disposeStore(sb);
  await reg?.stop();
});

describe('signature policy (rootless)', () => {
  const run = (args: string[]) => tscRun(args, { sandbox: sb, timeoutMs: 90_000 });
  /** Blob files in the store (temp files of a running copy aside). */
  const blobs = () => {
    const d = path.join(sb.root, 'blobs', 'sha256');
    return fs.existsSync(d) ? fs.readdirSync(d).filter((f) => !f.startsWith('.')) : [];
  };
  const imageIds = async () => (await tscRunOk(['images', '-q', '--no-trunc'], { sandbox: sb })).stdout;

  it('a reject scope refuses pull and run\'s auto-pull with podman\'s message and 125, and stores nothing; other scopes still pull', async () => {
    userPolicy({ default: ACCEPT, transports: { docker: { [`${reg.host}/locked`]: REJECT } } });
    const ref = `${reg.host}/locked/app:1`;
    const pull = await run(['pull', '--tls-verify=false', ref]);
    expect(pull.exitCode).toBe(125);
    expect(pull.stderr).toBe(`Trying to pull ${ref}...\nError: Source image rejected: Running image docker://${ref} is rejected by policy.\n`);
    const runIt = await run(['run', '--rm', '--tls-verify=false', ref]);
    expect(runIt.exitCode).toBe(125);
    expect(runIt.stdout).toBe('');
    expect(runIt.stderr).toContain(`Error: Source image rejected: Running image docker://${ref} is rejected by policy.`);
    expect(await imageIds()).toBe('');
    expect(blobs()).toEqual([]);

    const open = await run(['run', '--rm', '--tls-verify=false', `${reg.host}/open/app:1`]);
    expect(open).toMatchObject({ exitCode: 0, stdout: 'admitted\n' });
  });

  it('--signature-policy replaces the user\'s file; a policy podman cannot read fails before any registry is asked', async () => {
    userPolicy({ default: REJECT });
    const ok = sb.file('accept.json', JSON.stringify({ default: ACCEPT }));
    const r = await run(['pull', '-q', '--tls-verify=false', '--signature-policy', ok, `${reg.host}/locked/app:1`]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(bb.configDigest.slice('sha256:'.length));

    const bad = sb.file('bad.json', JSON.stringify({ default: [] }));
    const b = await run(['pull', '--tls-verify=false', '--signature-policy', bad, `${reg.host}/open/app:1`]);
    expect(b).toMatchObject({ exitCode: 125, stderr: `Error: invalid policy in "${bad}": List of verification policy requirements must not be empty\n` });
    const unknown = sb.file('unknown.json', JSON.stringify({ default: [{ type: 'trustMe' }] }));
    expect((await run(['pull', '--signature-policy', unknown, `${reg.host}/open/app:1`])).stderr).toBe(`Error: invalid policy in "${unknown}": Unknown policy requirement type "trustMe"\n`);
    const missing = path.join(sb.dir, 'none.json');
    expect(await run(['pull', '--signature-policy', missing, `${reg.host}/open/app:1`])).toMatchObject({ exitCode: 125, stderr: `Error: open ${missing}: no such file or directory\n` });
    await tscRunOk(['rmi', '-a', '-f'], { sandbox: sb });
  });

  it('signedBy and sigstoreSigned are refused naming the requirement (tsc-run verifies no signatures), never let in', async () => {
    const key = sb.file('key.gpg', 'not used\n');
    userPolicy({
      default: ACCEPT,
      transports: {
        docker: {
          [`${reg.host}/signed`]: [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: key }],
          [`${reg.host}/open/app:1`]: [{ type: 'insecureAcceptAnything' }, { type: 'sigstoreSigned', keyPath: key }],
        },
      },
    });
    const s = await run(['pull', '--tls-verify=false', `${reg.host}/signed/app:1`]);
    expect(s.exitCode).toBe(125);
    expect(s.stderr).toContain(`Error: Source image rejected: the policy requires docker://${reg.host}/signed/app:1 to be signed (signedBy, keyType GPGKeys) and tsc-run does not verify simple signing (GPG) signatures\n`);
    const sig = await run(['create', '--tls-verify=false', `${reg.host}/open/app:1`]);
    expect(sig.exitCode).toBe(125);
    expect(sig.stderr).toMatch(/requires docker:\/\/.*\/open\/app:1 to be signed \(sigstoreSigned, key\)/);
    expect(await imageIds()).toBe('');
  });

  it('push and save are judged by the store they copy from (containers-storage), load and archive pulls by their transport', async () => {
    userPolicy({ default: ACCEPT });
    const tar = await buildBusyboxRootfsTar(path.join(sb.dir, 'rootfs.tar'));
    sb.chown(tar.path);
    const id = (await tscRunOk(['import', '-q', tar.path, 'local:1'], { sandbox: sb })).stdout.trim().replace(/^sha256:/, '');
    const archive = path.join(sb.dir, 'local.tar');
    await tscRunOk(['save', '-q', '-o', archive, 'local:1'], { sandbox: sb });

    // The destination's scope does not matter (podman pushes into a rejected repository too).
    userPolicy({ default: ACCEPT, transports: { docker: { [`${reg.host}/locked`]: REJECT } } });
    await tscRunOk(['push', '-q', '--tls-verify=false', 'local:1', `${reg.host}/locked/pushed:1`], { sandbox: sb });

    userPolicy({ default: REJECT, transports: { docker: { '': ACCEPT }, 'docker-archive': { '': ACCEPT } } });
    const store = `containers-storage:[overlay@${sb.root}+${sb.runroot}]@${id}`;
    const storeVfs = store.replace('[overlay@', '[vfs@');
    const push = await run(['push', '--tls-verify=false', 'local:1', `${reg.host}/open/pushed:1`]);
    expect(push.exitCode).toBe(125);
    expect([store, storeVfs].map((s) => `Error: Source image rejected: Running image ${s} is rejected by policy.\n`)).toContain(push.stderr);
    const save = await run(['save', '-o', path.join(sb.dir, 'again.tar'), 'local:1']);
    expect(save.exitCode).toBe(125);
    expect(save.stderr).toMatch(/^Error: Source image rejected: Running image containers-storage:\[(overlay|vfs)@.*\]@[0-9a-f]{64} is rejected by policy\.\n$/);
    expect(fs.existsSync(path.join(sb.dir, 'again.tar'))).toBe(false);

    await tscRunOk(['rmi', '-f', 'local:1'], { sandbox: sb });
    userPolicy({ default: ACCEPT, transports: { 'docker-archive': { '': REJECT } } });
    const load = await run(['load', '-i', archive]);
    expect(load).toMatchObject({ exitCode: 125, stdout: '' });
    expect(load.stderr).toBe(`Error: Source image rejected: Running image docker-archive:${archive} is rejected by policy.\n`);
    const viaRun = await run(['run', '--rm', `docker-archive:${archive}`, 'true']);
    expect(viaRun.exitCode).toBe(125);
    expect(viaRun.stderr).toContain('is rejected by policy.');
    expect(await imageIds()).toBe('');
    expect(blobs()).toEqual([]);

    // Path scopes: the archive's directory rejected for oci-archive, docker-archive allowed again.
    const oci = path.join(sb.dir, 'oci', 'local.tar');
    fs.mkdirSync(path.dirname(oci));
    sb.chown(path.dirname(oci));
    userPolicy({ default: ACCEPT, transports: { 'oci-archive': { [path.dirname(oci)]: REJECT } } });
    await tscRunOk(['load', '-q', '-i', archive], { sandbox: sb });
    await tscRunOk(['save', '-q', '--format', 'oci-archive', '-o', oci, 'local:1'], { sandbox: sb });
    await tscRunOk(['rmi', '-f', 'local:1'], { sandbox: sb });
    const o = await run(['pull', `oci-archive:${oci}`]);
    expect(o).toMatchObject({ exitCode: 125, stderr: `Error: Source image rejected: Running image oci-archive:${oci}: is rejected by policy.\n` });
  });
});

const hasPodman = fs.existsSync('/usr/bin/podman');
describe.runIf(hasPodman && isRoot())('signature policy beside podman', () => {
  let pd: string;
  const podman = (args: string[]) =>
    runProcess('podman', ['--root', path.join(pd, 'root'), '--runroot', path.join(pd, 'run'), '--storage-driver', 'vfs', '--cgroup-manager', 'cgroupfs', ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: pd, XDG_RUNTIME_DIR: path.join(pd, 'xdg') },
      timeoutMs: 120_000,
    });
  beforeAll(() => {
    pd = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-run-trust-podman-'));
    fs.mkdirSync(path.join(pd, 'xdg'), { mode: 0o700 });
  });
  afterAll(async () => {
    await podman(['system', 'reset', '--force']).catch(() => undefined);
    fs.rmSync(pd, { recursive: true, force: true });
  });

  it('the same policy files give the same verdicts and the same lines', async () => {
    const cases: Array<[string, unknown]> = [
      ['reject-repo', { default: ACCEPT, transports: { docker: { [`${reg.host}/locked`]: REJECT } } }],
      ['reject-registry-wildcard', { default: ACCEPT, transports: { docker: { [reg.host]: REJECT } } }],
      ['tag-exact-accept', { default: REJECT, transports: { docker: { [`${reg.host}/locked/app:1`]: ACCEPT } } }],
      ['transport-default', { default: ACCEPT, transports: { docker: { '': REJECT } } }],
      ['empty', {}],
      ['empty-list', { default: [] }],
      ['unknown-key', { default: ACCEPT, extra: 1 }],
      ['unknown-type', { default: [{ type: 'maybe' }] }],
      ['relative-dir-scope', { default: ACCEPT, transports: { dir: { rel: REJECT } } }],
    ];
    for (const [name, policy] of cases) {
      const file = path.join(pd, `${name}.json`);
      fs.writeFileSync(file, JSON.stringify(policy));
      fs.chmodSync(file, 0o644);
      fs.chmodSync(pd, 0o755);
      const ref = `${reg.host}/locked/app:1`;
      const theirs = await podman(['pull', '-q', '--tls-verify=false', '--signature-policy', file, ref]);
      const ours = await run(['pull', '-q', '--tls-verify=false', '--signature-policy', file, ref]);
      expect({ name, code: ours.exitCode, err: ours.stderr.replace(/^.*\n(?=.)/s, '') }).toEqual({ name, code: theirs.exitCode, err: theirs.stderr.replace(/^.*\n(?=.)/s, '') });
      await tscRun(['rmi', '-a', '-f'], { sandbox: sb });
      await podman(['rmi', '-a', '-f']);
    }
  });
  const run = (args: string[]) => tscRun(args, { sandbox: sb, timeoutMs: 90_000 });
});
