// Image arguments with a transport, wherever an image is taken from:
// pull and run/create read docker-archive:, oci-archive: (PATH[:REF]),
// oci:DIR[:REF] and dir:DIR (written by skopeo, as podman reads it), and
// docker:// is a registry name. As the test user.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import { busyboxStore, disposeStore, emptyStore, type BusyboxStore } from '../harness/fixtures.js';
import { dockerArchiveEntries } from '../harness/archives.js';
import { buildBusyboxImage, writeOciLayout, writeTar, type OciImage } from '../harness/images.js';
import { pushImage, startRegistry, type Registry } from '../harness/registry.js';
import type { Sandbox } from '../harness/sandbox.js';

let src: BusyboxStore;
let dst: Sandbox;
let reg: Registry;
let one: OciImage;
let two: OciImage;
let files: string;

beforeAll(async () => {
  src = await busyboxStore('transports-src');
  dst = await emptyStore('transports-dst');
  reg = await startRegistry();
  one = await buildBusyboxImage({ config: { Cmd: ['echo', 'image-one'] } });
  two = await buildBusyboxImage({ config: { Cmd: ['echo', 'image-two'] } });
  await pushImage(reg, 'bb', '1', one);
  files = src.dir;
  fs.writeFileSync(path.join(files, 'multi.tar'), await writeTar(dockerArchiveEntries([{ image: one, repoTags: ['first:1'] }, { image: two, repoTags: ['second:2'] }])));
  await tscRunOk(['save', '-q', '--format', 'oci-archive', '-o', path.join(files, 'o.tar'), 'bb'], { sandbox: src });
  const layout = path.join(files, 'layout');
  writeOciLayout(layout, one, 'one');
  writeOciLayout(layout, two, 'two');
  execFileSync('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${reg.host}/bb:1`, `dir:${path.join(files, 'skopeo-dir')}`]);
  src.chown(path.join(files, 'multi.tar'));
  src.chown(layout);
  src.chown(path.join(files, 'skopeo-dir'));
});
afterAll(async () => {
  await disposeStore(src);
  await disposeStore(dst);
  await reg?.stop();
});

const idOf = (i: OciImage) => i.configDigest.slice('sha256:'.length);

describe('transports (rootless)', () => {
  const pull = (ref: string) => tscRun(['pull', '-q', ref], { sandbox: dst });
  const names = async () => (await tscRunOk(['images', '--format', '{{.Repository}}:{{.Tag}} {{.Id}}'], { sandbox: dst })).stdout;

  it('docker-archive:PATH[:REF|:@N]: one image of several by name or index; several without a REF are refused', async () => {
    const file = path.join(files, 'multi.tar');
    expect(await pull(`docker-archive:${file}:second:2`)).toMatchObject({ exitCode: 0, stdout: `${idOf(two)}\n` });
    expect(await names()).toContain(`localhost/second:2 ${idOf(two)}`);
    expect(await pull(`docker-archive:${file}:@0`)).toMatchObject({ exitCode: 0, stdout: `${idOf(one)}\n` });
    const several = await pull(`docker-archive:${file}`);
    expect(several).toMatchObject({ exitCode: 125, stderr: `Error: docker-archive:${file} holds 2 images: name one as docker-archive:${file}:REF\n` });
    expect(await pull(`docker-archive:${file}:nope:1`)).toMatchObject({ exitCode: 125, stderr: `Error: docker-archive:${file} has no image named nope:1\n` });
  });

  it('oci-archive:PATH and oci:DIR:REF; an OCI directory\'s image is named after it (podman)', async () => {
    expect(await pull(`oci-archive:${path.join(files, 'o.tar')}`)).toMatchObject({ exitCode: 0, stdout: `${src.image.id}\n` });
    // A relative directory, from where it is.
    const inFiles = (ref: string) => tscRun(['pull', '-q', ref], { sandbox: dst, cwd: files });
    expect(await inFiles('oci:./layout:two')).toMatchObject({ exitCode: 0, stdout: `${idOf(two)}\n` });
    expect(await names()).toContain(`localhost/layout:latest ${idOf(two)}`);
    expect((await inFiles('oci:layout')).stderr).toMatch(/holds 2 images/);
  });

  it('run and create read a transport every time; run prints only the container\'s output on stdout', async () => {
    const layout = path.join(files, 'layout');
    const r = await tscRun(['run', '--rm', `oci:${layout}:one`], { sandbox: dst });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'image-one\n' });
    expect(r.stderr).toContain('Writing manifest to image destination');
    const dir = await tscRun(['run', '--rm', '-q', `dir:${path.join(files, 'skopeo-dir')}`], { sandbox: dst });
    expect(dir).toMatchObject({ exitCode: 0, stdout: 'image-one\n', stderr: '' });
    const c = await tscRun(['create', '-q', '--name', 'fromarchive', `docker-archive:${path.join(files, 'multi.tar')}:first:1`, 'echo', 'created'], { sandbox: dst });
    expect(c.exitCode, c.stderr).toBe(0);
    expect((await tscRunOk(['start', '-a', 'fromarchive'], { sandbox: dst })).stdout).toBe('created\n');
    await tscRunOk(['rm', 'fromarchive'], { sandbox: dst });
  });

  it('docker://NAME is a registry name (pulled when missing); unsupported transports are refused with a reason', async () => {
    const r = await tscRun(['run', '--rm', '--tls-verify=false', `docker://${reg.host}/bb:1`], { sandbox: dst });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'image-one\n' });
    expect(r.stderr).toContain(`Trying to pull ${reg.host}/bb:1...`);
    expect(await pull(`docker://${reg.host}/bb:1`)).toMatchObject({ exitCode: 125 }); // without --tls-verify=false
    expect((await tscRun(['pull', '-q', '--tls-verify=false', `docker://${reg.host}/bb:1`], { sandbox: dst })).stdout).toBe(`${idOf(one)}\n`);
    const refused = await tscRun(['run', '--rm', 'containers-storage:bb'], { sandbox: dst });
    expect(refused).toMatchObject({ exitCode: 125, stdout: '' });
    expect(refused.stderr).toMatch(/^Error: unsupported transport "containers-storage" in "containers-storage:bb": /);
    expect(fs.existsSync(path.join(dst.root, 'containers'))).toBe(true);
  });
});
