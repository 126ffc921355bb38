// Test images built from busybox-static, without any registry or tool: tar
// writing, a busybox rootfs, and OCI image layouts. The pieces are pure
// (entries → bytes → blobs) so tests can build unusual images (whiteouts,
// hostile paths, many layers) and push or unpack them however they need.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';

/** Fixed mtime for reproducible images (2024-01-01T00:00:00Z). */
export const FIXED_MTIME = new Date('2024-01-01T00:00:00Z');
export const BUSYBOX = '/bin/busybox';

export const MEDIA = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  layerTar: 'application/vnd.oci.image.layer.v1.tar',
} as const;

export interface TarEntry {
  /** Path inside the archive, written exactly as given (no normalisation). */
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'block-device' | 'fifo';
  content?: string | Buffer;
  /** Permission bits incl. setuid/sticky; default 0644 files, 0755 dirs, 0777 links. */
  mode?: number;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  mtime?: Date;
  /** Target of a symlink or hard link. */
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** PAX records, e.g. { 'SCHILY.xattr.user.k': 'v' }. */
  pax?: Record<string, string>;
}

/** An uncompressed tar archive of `entries`, in order. */
export async function writeTar(entries: readonly TarEntry[]): Promise<Buffer> {
  const pack = tarPack();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pack.on('data', (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
  });
  for (const e of entries) {
    const type = e.type ?? 'file';
    const body = type === 'file' ? Buffer.from(e.content ?? '') : undefined;
    const header = {
      name: e.name,
      type,
      mode: e.mode ?? (type === 'directory' ? 0o755 : type === 'symlink' ? 0o777 : 0o644),
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      uname: e.uname ?? (e.uid ? '' : 'root'),
      gname: e.gname ?? (e.gid ? '' : 'root'),
      mtime: e.mtime ?? FIXED_MTIME,
      size: body?.length ?? 0,
      ...(e.linkname !== undefined ? { linkname: e.linkname } : {}),
      devmajor: e.devmajor ?? 0,
      devminor: e.devminor ?? 0,
      ...(e.pax ? { pax: e.pax } : {}),
    };
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null) => (err ? reject(err) : resolve());
      if (body) pack.entry(header, body, cb);
      else pack.entry(header, cb);
    });
  }
  pack.finalize();
  return done;
}

export function sha256Digest(b: Buffer): string {
  return 'sha256:' + createHash('sha256').update(b).digest('hex');
}

/** Deterministic gzip (zlib writes mtime 0 and a fixed OS byte). */
export function gzip(b: Buffer): Buffer {
  return gzipSync(b);
}

export interface BusyboxRootfsOptions {
  /** Applet links to create; default every applet `busybox --list-full` reports. */
  applets?: readonly string[];
  /** Appended after the base entries. */
  extra?: readonly TarEntry[];
}

function busyboxApplets(): string[] {
  if (!fs.existsSync(BUSYBOX)) {
    throw new Error(`${BUSYBOX} is missing: install busybox-static (npm run setup-host does it)`);
  }
  // --list-full gives install paths (bin/sh, usr/bin/awk, ...).
  return execFileSync(BUSYBOX, ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

/** The entries of a minimal busybox root filesystem (pure apart from reading /bin/busybox). */
export function busyboxRootfsEntries(opts: BusyboxRootfsOptions = {}): TarEntry[] {
  const dir = (name: string, mode = 0o755, uid = 0): TarEntry => ({ name, type: 'directory', mode, uid, gid: uid });
  const file = (name: string, content: string, mode = 0o644): TarEntry => ({ name, content, mode });
  const all = busyboxApplets();
  const wanted = opts.applets ? all.filter((p) => opts.applets!.includes(path.basename(p))) : all;
  const entries: TarEntry[] = [
    ...['bin', 'dev', 'etc', 'home', 'proc', 'sbin', 'sys', 'usr', 'usr/bin', 'usr/sbin', 'var', 'var/log', 'run'].map((d) =>
      dir(d),
    ),
    dir('root', 0o700),
    dir('tmp', 0o1777),
    dir('var/tmp', 0o1777),
    dir('home/user', 0o755, 1000),
    { name: 'bin/busybox', content: fs.readFileSync(BUSYBOX), mode: 0o755 },
    file(
      'etc/passwd',
      'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
    ),
    file('etc/group', 'root:x:0:\nuser:x:1000:\nnobody:x:65534:\n'),
    file('etc/hostname', 'busybox\n'),
  ];
  for (const p of wanted) {
    if (p === 'bin/busybox') continue;
    entries.push({ name: p, type: 'symlink', linkname: path.posix.relative(path.posix.dirname(p), 'bin/busybox') });
  }
  return [...entries, ...(opts.extra ?? [])];
}

/** Write a busybox rootfs tarball (for `tsc-run import`); returns its digest and size. */
export async function buildBusyboxRootfsTar(
  file: string,
  opts: BusyboxRootfsOptions & { gzip?: boolean } = {},
): Promise<{ path: string; digest: string; size: number }> {
  let tar = await writeTar(busyboxRootfsEntries(opts));
  if (opts.gzip) tar = gzip(tar);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, tar);
  return { path: file, digest: sha256Digest(tar), size: tar.length };
}

export interface ContainerConfig {
  Env?: string[];
  Cmd?: string[];
  Entrypoint?: string[];
  WorkingDir?: string;
  User?: string;
  Labels?: Record<string, string>;
  ExposedPorts?: Record<string, Record<string, never>>;
  Volumes?: Record<string, Record<string, never>>;
  StopSignal?: string;
}

export interface LayerBlob {
  mediaType: string;
  /** Digest of the (compressed) blob. */
  digest: string;
  /** Digest of the uncompressed tar (config rootfs.diff_ids). */
  diffId: string;
  size: number;
}

export interface OciImage {
  manifest: Buffer;
  manifestDigest: string;
  config: Buffer;
  configDigest: string;
  layers: LayerBlob[];
  /** Every blob by digest: layers, config and manifest. */
  blobs: Map<string, Buffer>;
}

export interface OciImageOptions {
  /** Uncompressed layer tars, bottom first. */
  layers: readonly Buffer[];
  config?: ContainerConfig;
  /** Store layers uncompressed instead of gzip. */
  uncompressed?: boolean;
  created?: Date;
  /** history[].created_by per layer. */
  createdBy?: readonly string[];
}

export function ociArch(): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' } as Record<string, string>)[
    process.arch
  ] ?? process.arch;
}

/** Manifest, config and layer blobs of an OCI image (pure). */
export function buildOciImage(opts: OciImageOptions): OciImage {
  const blobs = new Map<string, Buffer>();
  const created = (opts.created ?? FIXED_MTIME).toISOString();
  const layers = opts.layers.map((tar): LayerBlob => {
    const blob = opts.uncompressed ? tar : gzip(tar);
    const digest = sha256Digest(blob);
    blobs.set(digest, blob);
    return { mediaType: opts.uncompressed ? MEDIA.layerTar : MEDIA.layerGzip, digest, diffId: sha256Digest(tar), size: blob.length };
  });
  const config = Buffer.from(
    JSON.stringify({
      created,
      architecture: ociArch(),
      os: 'linux',
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'], ...opts.config },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: layers.map((_, i) => ({ created, created_by: opts.createdBy?.[i] ?? `tsc-run test layer ${i}` })),
    }),
  );
  const configDigest = sha256Digest(config);
  blobs.set(configDigest, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA.manifest,
      config: { mediaType: MEDIA.config, digest: configDigest, size: config.length },
      layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    }),
  );
  const manifestDigest = sha256Digest(manifest);
  blobs.set(manifestDigest, manifest);
  return { manifest, manifestDigest, config, configDigest, layers, blobs };
}

interface IndexJson {
  schemaVersion: 2;
  mediaType?: string;
  manifests: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }[];
}

export const REF_NAME = 'org.opencontainers.image.ref.name';

/** Add `image` to the OCI layout at `dir` under `tag` (creating the layout; replacing an older `tag`). */
export function writeOciLayout(dir: string, image: OciImage, tag: string): void {
  const blobDir = path.join(dir, 'blobs', 'sha256');
  fs.mkdirSync(blobDir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  for (const [digest, blob] of image.blobs) fs.writeFileSync(path.join(blobDir, digest.slice('sha256:'.length)), blob);
  const indexPath = path.join(dir, 'index.json');
  const index: IndexJson = fs.existsSync(indexPath)
    ? (JSON.parse(fs.readFileSync(indexPath, 'utf8')) as IndexJson)
    : { schemaVersion: 2, mediaType: MEDIA.index, manifests: [] };
  index.manifests = index.manifests.filter((m) => m.annotations?.[REF_NAME] !== tag);
  index.manifests.push({
    mediaType: MEDIA.manifest,
    digest: image.manifestDigest,
    size: image.manifest.length,
    annotations: { [REF_NAME]: tag },
  });
  fs.writeFileSync(indexPath, JSON.stringify(index));
}

export interface BusyboxImageOptions {
  tag: string;
  /** Layers on top of the busybox layer, each a list of tar entries. */
  extraLayers?: readonly (readonly TarEntry[])[];
  config?: ContainerConfig;
  rootfs?: BusyboxRootfsOptions;
}

/** The blobs of a busybox image plus optional layers on top. */
export async function buildBusyboxImage(opts: Omit<BusyboxImageOptions, 'tag'>): Promise<OciImage> {
  const tars = [await writeTar(busyboxRootfsEntries(opts.rootfs))];
  for (const l of opts.extraLayers ?? []) tars.push(await writeTar(l));
  return buildOciImage({ layers: tars, ...(opts.config ? { config: opts.config } : {}) });
}

/** A busybox image (plus optional layers) written as an OCI layout in `dir`. */
export async function buildBusyboxOciLayout(dir: string, opts: BusyboxImageOptions): Promise<OciImage & { dir: string; tag: string }> {
  const image = await buildBusyboxImage(opts);
  writeOciLayout(dir, image, opts.tag);
  return { ...image, dir, tag: opts.tag };
}
