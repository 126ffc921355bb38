// Names inside an image archive (the outer tar, not a layer): cleaned so
// `./manifest.json` and `manifest.json` are one file, links resolved inside
// the archive, and anything pointing outside it refused. Pure.

import { ArchiveFormatError } from './errors.js';

/** `./a//b` → `a/b`; absolute names and `..` components are refused. */
export function archivePath(raw: string): string {
  if (raw.includes('\0') || raw.startsWith('/')) throw new ArchiveFormatError(`refusing archive entry ${JSON.stringify(raw)}: absolute path`);
  const parts: string[] = [];
  for (const part of raw.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw new ArchiveFormatError(`refusing archive entry ${JSON.stringify(raw)}: path contains a ".." component`);
    parts.push(part);
  }
  return parts.join('/');
}

/**
 * Where a symlink at `linkPath` with `target` points, as an archive path
 * (podman's legacy `<id>/layer.tar -> ../<diffid>.tar`); undefined if it
 * leaves the archive.
 */
export function symlinkTarget(linkPath: string, target: string): string | undefined {
  if (target.startsWith('/')) return undefined;
  const parts = linkPath.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (!parts.length) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

const OCI_BLOB_RE = /^blobs\/sha256\/([0-9a-f]{64})$/;

/** The digest an OCI layout path names (`blobs/sha256/<hex>`), else undefined. */
export function ociBlobDigest(p: string): string | undefined {
  const m = OCI_BLOB_RE.exec(p);
  return m ? `sha256:${m[1]}` : undefined;
}

export function ociBlobPath(digest: string): string {
  return `blobs/sha256/${digest.slice('sha256:'.length)}`;
}

/** Small metadata files (manifest.json, configs, index.json) are kept in memory while streaming. */
export function isMetadataPath(p: string): boolean {
  const base = p.slice(p.lastIndexOf('/') + 1);
  return base.endsWith('.json') || base === 'json' || base === 'VERSION' || base === 'repositories' || base === 'oci-layout';
}
