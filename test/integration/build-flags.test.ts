// build flags beyond the basics, as the test user: --layers=false and
// --squash (the build's new layers as one, history entries kept, whiteouts
// only where they hide base content), --squash-all (one layer, only the
// build's history), --annotation (the OCI manifest's), refusals with their
// one-line reasons (several platforms, --annotation with --format docker,
// conflicting squash flags).

import fs from 'node:fs';
import path from 'node:path';
import { extract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';
import { buildCli } from './build-util.js';

async function tarNames(file: string): Promise<string[]> {
  const names: string[] = [];
  const ex = extract();
  ex.on('entry', (h, stream, next) => {
    names.push(h.name.replace(/^\.?\//, '').replace(/\/$/, ''));
    stream.on('end', () => next());
    stream.resume();
  });
  const done = new Promise<void>((resolve, reject) => {
    ex.on('finish', () => resolve());
    ex.on('error', reject);
  });
  fs.createReadStream(file).pipe(ex);
  await done;
  return names;
}

interface Inspected {
  Id: string;
  RootFS: { Layers: string[] };
  Annotations?: Record<string, string>;
  Labels?: Record<string, string>;
}

describe('build flags', () => {
  let sb: Sandbox;
  let baseLayers: number;
  const { run, ok, context, sh } = buildCli(() => sb);
  const inspect = async (img: string) => (JSON.parse((await ok(['image', 'inspect', img])).stdout) as Inspected[])[0]!;
  const history = async (img: string) =>
    (await ok(['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Size}}', img])).stdout.trim().split('\n').map((l) => {
      const [by, size] = l.split('|');
      return { by: by!, empty: size === '0B' || size === '0 B' };
    });

  const CONTAINERFILE = [
    'FROM bb',
    'ENV A=1',
    'RUN mkdir -p /x/y && touch /x/f /x/y/g && echo base-gone > /etc/motd-like',
    'RUN rm -rf /x/y && rm /etc/motd-like && rm /etc/passwd',
    'COPY a.txt /x/a.txt',
    'LABEL l=1',
    '',
  ].join('\n');

  beforeAll(async () => {
    sb = await busyboxSandbox('build-flags', 'user');
    baseLayers = (await inspect('bb')).RootFS.Layers.length;
  });
  afterAll(async () => {
    await disposeSandbox(sb);
  });

  it('--layers=false: one new layer over the base, every instruction in the history, base files deleted stay deleted', async () => {
    const dir = context('nolayers', { 'a.txt': 'a\n', Containerfile: CONTAINERFILE });
    const id = (await ok(['build', '-q', '--layers=false', '-t', 'nolayers:1', dir])).stdout.trim();
    const img = await inspect(id);
    expect(img.RootFS.Layers).toHaveLength(baseLayers + 1);
    const h = await history(id);
    // Newest first: LABEL carries the layer, the other instructions are empty.
    expect(h[0]).toEqual({ by: '/bin/sh -c #(nop) LABEL l=1', empty: false });
    expect(h.slice(1, 4).every((e) => e.empty)).toBe(true);
    expect(h).toHaveLength(baseLayers + 5);
    expect(await sh(id, 'find /x | sort; test -e /etc/passwd || echo no-passwd; test -e /etc/motd-like || echo no-motd')).toBe('/x\n/x/a.txt\n/x/f\nno-passwd\nno-motd\n');
    // The same with --squash (podman: --squash is buildah's --layers=false).
    const sq = (await ok(['build', '-q', '--squash', dir])).stdout.trim();
    expect((await inspect(sq)).RootFS.Layers).toHaveLength(baseLayers + 1);
    expect(await sh(sq, 'cat /x/a.txt; ls /x')).toBe('a\na.txt\nf\n');
  });

  it('--squash-all: a single layer with the whole tree, only the build\'s own history', async () => {
    const dir = context('squashall', { 'a.txt': 'a\n', Containerfile: CONTAINERFILE });
    const id = (await ok(['build', '-q', '--squash-all', dir])).stdout.trim();
    const img = await inspect(id);
    expect(img.RootFS.Layers).toHaveLength(1);
    const h = await history(id);
    expect(h.map((e) => e.by)).toEqual([
      '/bin/sh -c #(nop) LABEL l=1',
      expect.stringMatching(/^\/bin\/sh -c #\(nop\) COPY file:[0-9a-f]{64} in \/x\/a\.txt $/) as string,
      '/bin/sh -c rm -rf /x/y && rm /etc/motd-like && rm /etc/passwd',
      '/bin/sh -c mkdir -p /x/y && touch /x/f /x/y/g && echo base-gone > /etc/motd-like',
      '/bin/sh -c #(nop) ENV A="1"',
    ]);
    expect(h.map((e) => e.empty)).toEqual([false, true, true, true, true]);
    // The base's files are in the one layer; what the build deleted is not.
    expect(await sh(id, 'ls /bin/busybox; find /x | sort; test -e /etc/passwd || echo no-passwd')).toBe('/bin/busybox\n/x\n/x/a.txt\n/x/f\nno-passwd\n');
  });

  it('--annotation: set on the OCI manifest; refused with --format docker', async () => {
    const dir = context('annot', { Containerfile: 'FROM bb\nLABEL x=y\n' });
    const id = (await ok(['build', '-q', '--annotation', 'org.example.k=v w', '--annotation', 'e=', dir])).stdout.trim();
    expect((await inspect(id)).Annotations).toEqual({ 'org.example.k': 'v w', e: '' });
    const docker = await run(['build', '--format', 'docker', '--annotation', 'a=b', dir]);
    expect([docker.exitCode, docker.stderr]).toEqual([125, 'Error: --annotation is not supported with --format docker: a Docker manifest has no annotations (podman drops them silently)\n']);
    const bad = await run(['build', '--annotation', 'novalue', dir]);
    expect(bad.stderr).toBe('Error: invalid --annotation "novalue": want KEY=VALUE\n');
  });

  it('--output: the tree into a directory (-o DIR, type=local) or a tar (type=tar); no container left behind', async () => {
    const dir = context('out', { 'a.txt': 'out-a\n', Containerfile: 'FROM bb\nCOPY a.txt /srv/a.txt\nRUN ln -s /etc/passwd /srv/link && chmod 0600 /srv/a.txt\n' });
    const local = path.join(sb.dir, 'out-local');
    const id = (await ok(['build', '-q', '-o', local, dir])).stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.readFileSync(path.join(local, 'srv/a.txt'), 'utf8')).toBe('out-a\n');
    expect(fs.statSync(path.join(local, 'srv/a.txt')).mode & 0o777).toBe(0o600);
    expect(fs.readlinkSync(path.join(local, 'srv/link'))).toBe('/etc/passwd');
    expect(fs.existsSync(path.join(local, 'bin/busybox'))).toBe(true);
    const tarFile = path.join(sb.dir, 'out.tar');
    await ok(['build', '-q', '--output', `type=tar,dest=${tarFile}`, dir]);
    const names = await tarNames(tarFile);
    expect(names).toEqual(expect.arrayContaining(['srv/a.txt', 'srv/link', 'bin/busybox']));
    expect((await ok(['ps', '-a', '-q'])).stdout).toBe('');
    for (const [spec, msg] of [
      ['type=zip,dest=x', 'Error: invalid --output "type=zip,dest=x": type must be local or tar\n'],
      ['type=tar', 'Error: invalid --output "type=tar": dest= is required\n'],
      ['type=tar,dest=-', 'Error: --output dest=- is not supported: the build writes its step lines on stdout; give a file\n'],
    ] as const) {
      const r = await run(['build', '--output', spec, dir]);
      expect([r.exitCode, r.stderr]).toEqual([125, msg]);
    }
  });

  it('refusals: several platforms, conflicting squash flags', async () => {
    const dir = context('refuse', { Containerfile: 'FROM bb\n' });
    for (const [flags, msg] of [
      [['--platform', 'linux/amd64,linux/arm64'], /^Error: --platform with several platforms is not supported: RUN steps cannot run a foreign architecture here/],
      [['--squash', '--squash-all'], /^Error: cannot specify --squash with --layers and --squash-all with --squash\n$/],
      [['--squash', '--layers=false'], /^Error: cannot specify --squash with --layers and --squash-all with --squash\n$/],
    ] as const) {
      const r = await run(['build', ...flags, dir]);
      expect(r.exitCode).toBe(125);
      expect(r.stderr).toMatch(msg);
    }
  });
});
