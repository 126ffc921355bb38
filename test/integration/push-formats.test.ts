// push --format, --compression-format, --compress, --digestfile and the
// local destinations (dir:, oci:, oci-archive:, docker-archive:) side by
// side with podman 4.3 and skopeo: the media types and compression of what
// tsc-run sends are what podman sends (skopeo inspect --raw), podman and
// skopeo read what tsc-run writes (same image id, digests as our
// --digestfile says), and tsc-run reads what podman writes. podman and
// skopeo run as root with a private --root; tsc-run as the test user.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import { disposeStore, emptyStore } from '../harness/fixtures.js';
import { buildBusyboxRootfsTar } from '../harness/images.js';
import { runProcess } from '../harness/proc.js';
import { startRegistry, type Registry } from '../harness/registry.js';
import type { Sandbox } from '../harness/sandbox.js';
import { isRoot } from '../harness/user.js';

const hasTools = fs.existsSync('/usr/bin/podman') && fs.existsSync('/usr/bin/skopeo');
if (!hasTools || !isRoot()) console.warn('push-formats: needs podman, skopeo and root (podman with a private --root), skipping');

interface Manifest {
  mediaType?: string;
  config: { mediaType: string; digest: string };
  layers: Array<{ mediaType: string; digest: string }>;
}

describe.runIf(hasTools && isRoot())('push formats and destinations beside podman', () => {
  let reg: Registry;
  let sb: Sandbox;
  let pd: string;
  let id: string;
  const podman = (args: string[]) =>
    runProcess('podman', ['--root', path.join(pd, 'root'), '--runroot', path.join(pd, 'run'), '--tmpdir', path.join(pd, 'tmp'), '--storage-driver', 'vfs', '--cgroup-manager', 'cgroupfs', ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: pd, XDG_RUNTIME_DIR: path.join(pd, 'xdg') },
      timeoutMs: 120_000,
    });
  const skopeo = (args: string[]) => runProcess('skopeo', args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: pd }, timeoutMs: 60_000 });
  const raw = async (ref: string): Promise<Manifest> => {
    const r = await skopeo(['inspect', '--raw', '--tls-verify=false', ref]);
    expect(r.exitCode, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Manifest;
  };
  const digestOf = async (ref: string): Promise<string> => {
    const r = await skopeo(['inspect', '--tls-verify=false', '--format', '{{.Digest}}', ref]);
    expect(r.exitCode, r.stderr).toBe(0);
    return r.stdout.trim();
  };
  const push = (args: string[]) => tscRun(['push', '-q', '--tls-verify=false', ...args], { sandbox: sb });
  const podmanPullsId = async (ref: string) => {
    const r = await podman(['pull', '-q', '--tls-verify=false', ref]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(id);
  };

  beforeAll(async () => {
    reg = await startRegistry();
    sb = await emptyStore('push-formats');
    pd = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-run-push-formats-'));
    fs.chmodSync(pd, 0o755);
    fs.mkdirSync(path.join(pd, 'xdg'), { mode: 0o700 });
    fs.mkdirSync(path.join(pd, 'out'), { mode: 0o755 });
    // An imported image: its layer is stored uncompressed, as podman stores every layer.
    const tar = await buildBusyboxRootfsTar(path.join(sb.dir, 'fmt.tar'), { extra: [{ name: 'fmt.txt', content: 'formats\n' }] });
    sb.chown(tar.path);
    id = (await tscRunOk(['import', '-q', tar.path, 'fmt:1'], { sandbox: sb })).stdout.trim().replace(/^sha256:/, '');
  });
  afterAll(async () => {
    await podman(['system', 'reset', '--force']).catch(() => undefined);
    fs.rmSync(pd, { recursive: true, force: true });
    await disposeStore(sb);
    await reg.stop();
  });

  it('to a registry: plain layers go gzip-compressed (as podman), --format v2s2/docker and oci convert, --compression-format zstd; --digestfile is the digest skopeo sees', async () => {
    const cases: Array<{ args: string[]; tag: string; manifest: string | undefined; config: string; layer: string }> = [
      { args: [], tag: 'default', manifest: 'application/vnd.oci.image.manifest.v1+json', config: 'application/vnd.oci.image.config.v1+json', layer: 'application/vnd.oci.image.layer.v1.tar+gzip' },
      { args: ['--format', 'v2s2'], tag: 'v2s2', manifest: 'application/vnd.docker.distribution.manifest.v2+json', config: 'application/vnd.docker.container.image.v1+json', layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip' },
      { args: ['--format', 'docker'], tag: 'docker', manifest: 'application/vnd.docker.distribution.manifest.v2+json', config: 'application/vnd.docker.container.image.v1+json', layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip' },
      { args: ['--compression-format', 'zstd'], tag: 'zstd', manifest: 'application/vnd.oci.image.manifest.v1+json', config: 'application/vnd.oci.image.config.v1+json', layer: 'application/vnd.oci.image.layer.v1.tar+zstd' },
    ];
    for (const c of cases) {
      const df = path.join(sb.dir, `digest-${c.tag}`);
      const ref = `${reg.host}/fmt/img:${c.tag}`;
      const r = await push([...c.args, '--digestfile', df, 'fmt:1', ref]);
      expect(r.exitCode, `${c.tag}: ${r.stderr}`).toBe(0);
      const m = await raw(`docker://${ref}`);
      expect(m.mediaType, c.tag).toBe(c.manifest);
      expect(m.config).toMatchObject({ mediaType: c.config, digest: `sha256:${id}` });
      expect(m.layers.map((l) => l.mediaType), c.tag).toEqual([c.layer]);
      expect(fs.readFileSync(df, 'utf8')).toBe(await digestOf(`docker://${ref}`));
      await podmanPullsId(ref);
    }
    // And back from v2s2 to OCI: pull the Docker-format image, push it with --format oci.
    await tscRunOk(['pull', '-q', '--tls-verify=false', `${reg.host}/fmt/img:v2s2`], { sandbox: sb });
    const back = await push(['--format', 'oci', `${reg.host}/fmt/img:v2s2`, `${reg.host}/fmt/img:back`]);
    expect(back.exitCode, back.stderr).toBe(0);
    const m = await raw(`docker://${reg.host}/fmt/img:back`);
    expect(m.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(m.layers.map((l) => l.mediaType)).toEqual(['application/vnd.oci.image.layer.v1.tar+gzip']);
  });

  it('refuses what podman refuses, in its words, and what it would silently ignore, with a reason', async () => {
    const zv2 = await push(['--format', 'v2s2', '--compression-format', 'zstd', 'fmt:1', `${reg.host}/fmt/img:nope`]);
    expect(zv2.exitCode).toBe(125);
    expect(zv2.stderr).toMatch(/^Error: creating an updated image manifest: preparing updated manifest, layer "sha256:[0-9a-f]{64}": zstd compression is not supported for type "application\/vnd.docker.image.rootfs.diff.tar"\n$/);
    const bogus = await push(['--format', 'bogus', 'fmt:1', `${reg.host}/fmt/img:nope`]);
    expect(bogus.stderr).toBe(`Error: unknown format "bogus". Choose on of the supported formats: 'oci', 'v2s1', or 'v2s2'\n`);
    const comp = await push(['--compression-format', 'lz4', 'fmt:1', `${reg.host}/fmt/img:nope`]);
    expect(comp.stderr).toBe('Error: cannot find compressor for "lz4"\n');
    for (const args of [['--compression-format', 'zstd:chunked', 'fmt:1', `${reg.host}/fmt/img:nope`], ['--compression-format', 'zstd', 'fmt:1', `dir:${sb.dir}/nope`], ['--compress', 'fmt:1', `docker-archive:${sb.dir}/nope.tar`]]) {
      const r = await push(args);
      expect(r.exitCode, args.join(' ')).toBe(125);
      expect(r.stderr).toMatch(/^Error: .+\n$/);
    }
    const ociDa = await push(['--format', 'oci', 'fmt:1', `docker-archive:${sb.dir}/nope.tar`]);
    expect(ociDa.stderr).toBe('Error: writing manifest: Unsupported manifest type, need a Docker schema 2 manifest\n');
    fs.mkdirSync(path.join(sb.dir, 'precious'));
    fs.writeFileSync(path.join(sb.dir, 'precious', 'keep'), 'x');
    sb.chown(path.join(sb.dir, 'precious'));
    sb.chown(path.join(sb.dir, 'precious', 'keep'));
    const overwrite = await push(['fmt:1', `dir:${sb.dir}/precious`]);
    expect(overwrite.stderr).toBe(`Error: initializing destination dir:${sb.dir}/precious: not a containers image directory, don't want to overwrite important data\n`);
    expect(fs.readFileSync(path.join(sb.dir, 'precious', 'keep'), 'utf8')).toBe('x');
    expect(await tscRun(['image', 'exists', `${reg.host}/fmt/img:nope`], { sandbox: sb })).toMatchObject({ exitCode: 1 });
  });

  it('dir:, oci:, oci-archive:, docker-archive: are read by skopeo and podman with the digest --digestfile says', async () => {
    const dests = [
      { dest: `dir:${sb.dir}/d`, args: [] as string[], layer: 'application/vnd.oci.image.layer.v1.tar' },
      { dest: `dir:${sb.dir}/dc`, args: ['--compress'], layer: 'application/vnd.oci.image.layer.v1.tar+gzip' },
      { dest: `oci:${sb.dir}/o:v1`, args: [], layer: 'application/vnd.oci.image.layer.v1.tar+gzip' },
      { dest: `oci-archive:${sb.dir}/oa.tar:fmt:1`, args: ['--compression-format', 'zstd'], layer: 'application/vnd.oci.image.layer.v1.tar+zstd' },
      { dest: `docker-archive:${sb.dir}/da.tar`, args: [], layer: undefined },
    ];
    for (const [i, d] of dests.entries()) {
      const df = path.join(sb.dir, `ldigest-${i}`);
      const r = await push([...d.args, '--digestfile', df, 'fmt:1', d.dest]);
      expect(r.exitCode, `${d.dest}: ${r.stderr}`).toBe(0);
      if (d.layer !== undefined) {
        const m = await raw(d.dest);
        expect(m.layers.map((l) => l.mediaType), d.dest).toEqual([d.layer]);
        expect(m.config.digest).toBe(`sha256:${id}`);
        expect(fs.readFileSync(df, 'utf8'), d.dest).toBe(await digestOf(d.dest));
      }
      // podman names an image pulled from oci: after the directory, which has capitals here: skopeo's reading above must do.
      if (d.dest.startsWith('oci:')) continue;
      const p = await podman(['pull', '-q', d.dest]);
      expect(p.exitCode, `${d.dest}: ${p.stderr}`).toBe(0);
      expect(p.stdout.trim()).toBe(id);
    }
    expect(fs.readFileSync(path.join(sb.dir, 'd', 'version'), 'utf8')).toBe('Directory Transport Version: 1.1\n');
    // A second push into the same dir: replaced, as podman does.
    expect((await push(['--compress', 'fmt:1', `dir:${sb.dir}/d`])).exitCode).toBe(0);
  });

  it('what podman pushes to dir: (zstd), oci-archive: and docker-archive:, tsc-run pulls and runs', async () => {
    const tar = await buildBusyboxRootfsTar(path.join(pd, 'theirs.tar'), { extra: [{ name: 'theirs.txt', content: 'written by podman\n' }] });
    const imp = await podman(['import', '-q', tar.path, 'theirs:1']);
    expect(imp.exitCode, imp.stderr).toBe(0);
    const theirs = imp.stdout.trim().replace(/^sha256:/, '');
    const out = path.join(pd, 'out');
    for (const [dest, args] of [
      [`dir:${out}/pdir`, ['--compress', '--compression-format', 'zstd']],
      [`oci-archive:${out}/poa.tar`, []],
      [`docker-archive:${out}/pda2.tar`, []],
    ] as const) {
      const p = await podman(['push', '-q', ...args, 'theirs:1', dest]);
      expect(p.exitCode, `${dest}: ${p.stderr}`).toBe(0);
      // podman writes as root, 0700 here and there: let the test user read it.
      for (const e of fs.readdirSync(out, { recursive: true }) as string[]) fs.chmodSync(path.join(out, e), fs.statSync(path.join(out, e)).isDirectory() ? 0o755 : 0o644);
      const pulled = await tscRun(['pull', '-q', dest], { sandbox: sb });
      expect(pulled.exitCode, `${dest}: ${pulled.stderr}`).toBe(0);
      expect(pulled.stdout.trim()).toBe(theirs);
    }
    const run = await tscRun(['run', '--rm', theirs, 'cat', '/theirs.txt'], { sandbox: sb });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toBe('written by podman\n');

    // docker-archive's --digestfile: the schema 2 manifest the archive stands for, as podman computes it for the
    // same stored image (both stores hold the registry's manifest of it).
    const ref = `${reg.host}/fmt/theirs:1`;
    expect((await podman(['push', '-q', '--tls-verify=false', 'theirs:1', ref])).exitCode).toBe(0);
    await podman(['rmi', '-f', theirs]);
    expect((await podman(['pull', '-q', '--tls-verify=false', ref])).exitCode).toBe(0);
    await tscRunOk(['rmi', '-f', theirs], { sandbox: sb });
    await tscRunOk(['pull', '-q', '--tls-verify=false', ref], { sandbox: sb });
    const pdf = path.join(out, 'pdigest');
    const pp = await podman(['push', '-q', '--digestfile', pdf, ref, `docker-archive:${out}/pda3.tar`]);
    expect(pp.exitCode, pp.stderr).toBe(0);
    const odf = path.join(sb.dir, 'odigest');
    await tscRunOk(['push', '-q', '--digestfile', odf, ref, `docker-archive:${sb.dir}/oda3.tar`], { sandbox: sb });
    expect(fs.readFileSync(odf, 'utf8')).toBe(fs.readFileSync(pdf, 'utf8'));
  });
});
