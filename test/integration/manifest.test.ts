// `manifest` as the test user: lists stored among images (create, add from
// local storage and from a registry, inspect, annotate, remove, rm, exists),
// push to Debian's docker-registry read back over the registry API, by
// skopeo and (as root) by podman; `build --manifest`; the errors, with
// podman's words and exit codes.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import { buildBusyboxImage, sha256Digest, type OciImage } from '../harness/images.js';
import { runProcess } from '../harness/proc.js';
import { pushImage, startRegistry, type Registry } from '../harness/registry.js';
import { isRoot } from '../harness/user.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';
import type { BusyboxStore } from '../harness/fixtures.js';

const hasSkopeo = fs.existsSync('/usr/bin/skopeo');
const hasPodman = fs.existsSync('/usr/bin/podman');
const INDEX = 'application/vnd.oci.image.index.v1+json';
const LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';

let reg: Registry;
let reg2: Registry;
let remote: OciImage;
let sb: BusyboxStore;

interface Inspected {
  schemaVersion: number;
  mediaType: string;
  manifests: Array<{ mediaType: string; size: number; digest: string; platform: Record<string, unknown>; annotations?: Record<string, string> }> | null;
}

const ok = (args: string[]) => tscRunOk(args, { sandbox: sb, timeoutMs: 120_000 });
const run = (args: string[]) => tscRun(args, { sandbox: sb, timeoutMs: 120_000 });
const inspect = async (name: string): Promise<Inspected> => JSON.parse((await ok(['manifest', 'inspect', name])).stdout) as Inspected;
/** The digest of the busybox image in the store (its manifest as stored). */
const localDigest = async (name: string): Promise<string> => (await ok(['image', 'inspect', '--format', '{{.Digest}}', name])).stdout.trim();

async function registryManifest(r: Registry, repo: string, ref: string): Promise<{ body: Buffer; type: string | null }> {
  const res = await fetch(`${r.url}/v2/${repo}/manifests/${ref}`, {
    headers: { accept: [INDEX, LIST, 'application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'].join(', ') },
  });
  if (res.status !== 200) throw new Error(`GET ${repo}:${ref}: ${res.status}`);
  return { body: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type') };
}

beforeAll(async () => {
  [reg, reg2] = await Promise.all([startRegistry(), startRegistry()]);
  remote = await buildBusyboxImage({ extraLayers: [[{ name: 'remote.txt', content: 'from the registry\n' }]] });
  await pushImage(reg, 'src/bb', 'v1', remote);
  sb = await busyboxSandbox('manifest', 'user');
}, 120_000);
afterAll(async () => {
  await disposeSandbox(sb);
  await Promise.all([reg.stop(), reg2.stop()]);
});

describe('manifest lists in local storage', () => {
  it('create, inspect, exists, images: an empty list as podman shows it; the name is then taken', async () => {
    const id = (await ok(['manifest', 'create', 'empty'])).stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect((await ok(['manifest', 'inspect', 'empty'])).stdout).toBe(
      `{\n    "schemaVersion": 2,\n    "mediaType": "${LIST}",\n    "manifests": null\n}\n`,
    );
    expect((await run(['manifest', 'exists', 'empty'])).exitCode).toBe(0);
    expect((await run(['manifest', 'exists', 'nothing-here'])).exitCode).toBe(1);
    const notList = await run(['manifest', 'exists', 'bb']);
    expect([notList.exitCode, notList.stderr]).toEqual([125, 'Error: localhost/bb:latest: image is not a manifest list\n']);
    const images = (await ok(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}'])).stdout;
    expect(images).toContain(`localhost/empty:latest ${id.slice(0, 12)}`);

    const again = await run(['manifest', 'create', 'empty']);
    expect(again.exitCode).toBe(125);
    expect(again.stderr).toBe(`Error: creating image to hold manifest list: image name "localhost/empty:latest" is already associated with image "${id}": that name is already in use\n`);
    const onImage = await run(['manifest', 'create', 'bb']);
    expect(onImage.stderr).toMatch(/image name "localhost\/bb:latest" is already associated with image "[0-9a-f]{64}": that name is already in use/);
    expect((await ok(['manifest', 'create', '--amend', 'empty'])).stdout.trim()).toBe(id);
    expect((await ok(['manifest', 'rm', 'empty'])).stdout).toBe(`Untagged: localhost/empty:latest\nDeleted: ${id}\n`);
    expect((await run(['manifest', 'exists', 'empty'])).exitCode).toBe(1);
  });

  it('add a local image with overrides, annotate, remove: entries as podman inspects them', async () => {
    const digest = await localDigest('bb');
    const id = (await ok(['manifest', 'create', 'ml'])).stdout.trim();
    expect((await ok(['manifest', 'add', '--annotation', 'a=b', '--arch', 'arm64', '--variant', 'v8', '--os-version', '1.0', 'ml', 'containers-storage:bb'])).stdout.trim()).toBe(id);
    let doc = await inspect('ml');
    expect(doc.manifests).toEqual([
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        size: expect.any(Number) as number,
        digest,
        platform: { architecture: 'arm64', os: 'linux', 'os.version': '1.0', variant: 'v8' },
        annotations: { a: 'b' },
      },
    ]);
    // The same image again replaces its entry (one per digest).
    await ok(['manifest', 'add', 'ml', 'containers-storage:localhost/bb:latest']);
    doc = await inspect('ml');
    expect(doc.manifests!.map((m) => [m.digest, m.platform.architecture])).toEqual([[digest, 'amd64']]);

    await ok(['manifest', 'annotate', '--annotation', 'k=v', '--os', 'linux', '--os-features', 'f1,f2', 'ml', digest]);
    doc = await inspect('ml');
    expect(doc.manifests![0]!.annotations).toEqual({ k: 'v' });
    expect(doc.manifests![0]!.platform['os.features']).toEqual(['f1', 'f2']);

    const badDigest = await run(['manifest', 'annotate', 'ml', 'localhost/bb:1']);
    expect([badDigest.exitCode, badDigest.stderr]).toEqual([125, 'Error: invalid image digest "localhost/bb:1": invalid checksum digest format\n']);
    const badAnnotation = await run(['manifest', 'annotate', '--annotation', 'novalue', 'ml', digest]);
    expect(badAnnotation.stderr).toBe('Error: no value given for annotation "novalue"\n');
    const other = `sha256:${'1'.repeat(64)}`;
    const unknown = await run(['manifest', 'remove', 'ml', other]);
    expect([unknown.exitCode, unknown.stderr]).toEqual([125, `Error: removing from manifest list ml: no instance matching digest "${other}" found in manifest list: file does not exist\n`]);

    // A list's name where an image is meant: its entry for this machine (podman's lookup).
    expect((await ok(['run', '--rm', 'ml', 'echo', 'ran the entry'])).stdout).toBe('ran the entry\n');

    expect((await ok(['manifest', 'remove', 'ml', digest])).stdout.trim()).toBe(id);
    expect((await inspect('ml')).manifests).toBeNull();
    const noEntry = await run(['run', '--rm', '--pull=never', 'ml', 'true']);
    expect(noEntry.exitCode).toBe(125);
    expect(noEntry.stderr).toMatch(/^Error: ml: .*image not known\n$/);
    await ok(['manifest', 'rm', 'ml']);
  });

  it('rm: lists only; unknown names exit 1, images 125; the lists named are removed anyway', async () => {
    await ok(['manifest', 'create', 'gone']);
    const r = await run(['manifest', 'rm', 'gone', 'bb']);
    expect(r.exitCode).toBe(125);
    expect(r.stdout).toMatch(/^Untagged: localhost\/gone:latest\nDeleted: [0-9a-f]{64}\n$/);
    expect(r.stderr).toBe('Error: localhost/bb:latest: image is not a manifest list\n');
    const u = await run(['manifest', 'rm', 'gone']);
    expect([u.exitCode, u.stderr]).toEqual([1, 'Error: gone: image not known\n']);
    // The image itself is untouched, and rmi of an image with a list around still works.
    expect((await ok(['image', 'exists', 'bb'])).exitCode).toBe(0);
  });

  it('a create whose image cannot be read makes no list', async () => {
    const r = await run(['manifest', 'create', '--tls-verify=false', 'half', `docker://${reg.host}/src/missing:v1`]);
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toMatch(/^Error: setting up to read manifest and configuration from "docker:\/\/127\.0\.0\.1:\d+\/src\/missing:v1": .*\n$/);
    expect((await run(['manifest', 'exists', 'half'])).exitCode).toBe(1);
    const transport = await run(['manifest', 'create', 'half', 'oci-archive:/tmp/x.tar']);
    expect(transport.stderr).toMatch(/tsc-run adds images from containers-storage: \(local\) and docker:\/\/ \(a registry\) only/);
  });
});

describe('manifest push', () => {
  it('pushes every entry then the list; the registry, skopeo and a pull read it back', async () => {
    const digest = await localDigest('bb');
    await ok(['manifest', 'create', 'multi', 'containers-storage:bb']);
    // An entry straight from a registry (no transport: docker://, as podman).
    await ok(['manifest', 'add', '--tls-verify=false', '--arch', 'arm64', '--variant', 'v8', 'multi', `${reg.host}/src/bb:v1`]);
    const digestfile = path.join(sb.dir, 'list-digest');
    sb.chown(sb.dir);
    const r = await run(['manifest', 'push', '--tls-verify=false', '--digestfile', digestfile, 'multi', `docker://${reg2.host}/team/multi:v1`]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n');
    expect(lines.slice(0, 3)).toEqual(['Getting image list signatures', 'Copying 2 of 2 images in list', `Copying image ${digest} (1/2)`]);
    expect(lines).toContain(`Copying image ${remote.manifestDigest} (2/2)`);
    expect(lines.slice(-3)).toEqual(['Writing manifest list to image destination', 'Storing list signatures', '']);

    const list = await registryManifest(reg2, 'team/multi', 'v1');
    expect(list.type).toBe(INDEX);
    expect(fs.readFileSync(digestfile, 'utf8')).toBe(sha256Digest(list.body));
    const doc = JSON.parse(list.body.toString()) as { manifests: Array<{ digest: string; platform: Record<string, string> }> };
    expect(doc.manifests.map((m) => [m.digest, m.platform.architecture])).toEqual([
      [digest, 'amd64'],
      [remote.manifestDigest, 'arm64'],
    ]);
    // Each entry is there under its digest, byte for byte.
    expect(sha256Digest((await registryManifest(reg2, 'team/multi', digest)).body)).toBe(digest);
    expect((await registryManifest(reg2, 'team/multi', remote.manifestDigest)).body.equals(remote.manifest)).toBe(true);

    // Pulled back for this machine: the local entry.
    await ok(['pull', '-q', '--tls-verify=false', `${reg2.host}/team/multi:v1`]);
    expect((await ok(['run', '--rm', `${reg2.host}/team/multi:v1`, 'cat', '/etc/passwd'])).exitCode).toBe(0);

    if (hasSkopeo) {
      const raw = await runProcess('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${reg2.host}/team/multi:v1`], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir() }, timeoutMs: 60_000 });
      expect(raw.stdout).toBe(list.body.toString());
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-run-manifest-skopeo-'));
      try {
        const cp = await runProcess('skopeo', ['copy', '--src-tls-verify=false', '--override-arch', 'arm64', '--override-variant', 'v8', `docker://${reg2.host}/team/multi:v1`, `dir:${dir}`], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir() }, timeoutMs: 60_000 });
        expect(cp.exitCode, cp.stderr).toBe(0);
        expect(fs.readFileSync(path.join(dir, 'manifest.json')).equals(remote.manifest)).toBe(true);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('--all=false pushes the list alone (the registry refuses entries it lacks); --format v2s2 refuses to convert; --rm removes the list', async () => {
    const partial = await run(['manifest', 'push', '--tls-verify=false', '--all=false', '-q', 'multi', `${reg2.host}/team/other:v1`]);
    expect(partial.exitCode).toBe(125);
    expect(partial.stderr).toMatch(/^Error: pushing manifest list multi to docker:\/\/127\.0\.0\.1:\d+\/team\/other:v1: .*manifest blob unknown/);
    const conv = await run(['manifest', 'push', '--tls-verify=false', '--format', 'v2s2', 'multi', `${reg2.host}/team/other:v1`]);
    expect(conv.stderr).toMatch(/--format v2s2: entry sha256:[0-9a-f]{64} is application\/vnd\.oci\.image\.manifest\.v1\+json and tsc-run does not convert image manifests/);
    const signed = await run(['manifest', 'push', '--sign-by', 'ABC', 'multi', `${reg2.host}/team/other:v1`]);
    expect(signed.stderr).toBe('Error: --sign-by is not supported: tsc-run does not sign images\n');

    const r = await run(['manifest', 'push', '--tls-verify=false', '-q', '--rm', 'multi', `${reg2.host}/team/other:v2`]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect((await run(['manifest', 'exists', 'multi'])).exitCode).toBe(1);
    expect(JSON.parse((await registryManifest(reg2, 'team/other', 'v2')).body.toString()).manifests).toHaveLength(2);
  });

  it('inspect of a name with no local list reads the registry (as podman)', async () => {
    const r = await run(['manifest', 'inspect', `${reg2.host}/team/other:v2`]);
    // Without --tls-verify (inspect has none) the plain-HTTP registry is refused, as podman does.
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toMatch(/^Error: setting up to read manifest and configuration from/);
  });
});

describe('build --manifest', () => {
  it('adds the built image to the list, creating it when missing', async () => {
    const ctx = path.join(sb.dir, 'mctx');
    sb.file('mctx/Containerfile', 'FROM bb\nLABEL which=one\n');
    sb.chown(ctx);
    const first = (await ok(['build', '-q', '--manifest', 'built', ctx])).stdout.trim();
    sb.file('mctx/Containerfile', 'FROM bb\nLABEL which=two\n');
    sb.chown(ctx);
    const second = (await ok(['build', '-q', '--manifest', 'built', ctx])).stdout.trim();
    const digests = await Promise.all([first, second].map(localDigest));
    expect((await inspect('built')).manifests!.map((m) => m.digest)).toEqual(digests);
    await ok(['manifest', 'rm', 'built']);
    expect((await ok(['image', 'exists', first])).exitCode).toBe(0);
  });
});

describe.runIf(hasPodman && isRoot())('podman reads what we push', () => {
  it('podman manifest inspect and pull of our list', async () => {
    const pd = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-run-manifest-podman-'));
    const podman = (args: string[]) =>
      runProcess('podman', ['--root', path.join(pd, 'root'), '--runroot', path.join(pd, 'run'), '--storage-driver', 'vfs', ...args], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: pd },
        timeoutMs: 120_000,
      });
    try {
      const ins = await podman(['manifest', 'inspect', '--help']);
      expect(ins.exitCode).toBe(0);
      const pull = await podman(['pull', '--tls-verify=false', '--arch', 'arm64', '--variant', 'v8', `${reg2.host}/team/other:v2`]);
      expect(pull.exitCode, pull.stderr).toBe(0);
      // The arm64 entry: the image that came from the other registry (podman's image id is its config digest).
      const id = (await podman(['image', 'inspect', '--format', '{{.Id}}', `${reg2.host}/team/other:v2`])).stdout.trim();
      expect(id).toBe(remote.configDigest.slice('sha256:'.length));
    } finally {
      await podman(['system', 'reset', '--force']).catch(() => undefined);
      fs.rmSync(pd, { recursive: true, force: true });
    }
  });
});
