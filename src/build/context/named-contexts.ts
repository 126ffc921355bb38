// --build-context NAME=VALUE (podman 4.3, buildah 1.28's rules): VALUE is an
// image (`docker-image://`, `container-image://` or `docker://` REF), an
// http(s) URL of a tar archive (downloaded and unpacked once per build), or
// a local directory. `FROM NAME` uses an image context's image;
// `COPY --from=NAME` and `RUN --mount=...,from=NAME` read any of them.

import fs from 'node:fs/promises';
import path from 'node:path';
import { TscRunError, UsageError } from '../../errors.js';
import { fetchUrl, isUrl, makeTemp, unpackTar } from './open-context.js';

export type NamedContext = { kind: 'image'; ref: string } | { kind: 'url'; url: string } | { kind: 'dir'; path: string };

/** One --build-context value. Pure apart from resolving a relative directory against the working directory. */
export function parseBuildContext(spec: string): { name: string; context: NamedContext } {
  const eq = spec.indexOf('=');
  if (eq < 0) throw new UsageError(`while parsing additional build context: ${JSON.stringify(spec)}, accepts value in the form of key=value`);
  const name = spec.slice(0, eq);
  const value = spec.slice(eq + 1);
  if (!name) throw new UsageError(`while parsing additional build context: ${JSON.stringify(spec)}: the name is empty`);
  if (!value) throw new UsageError(`while parsing additional build context: ${JSON.stringify(spec)}: the value is empty`);
  for (const prefix of ['docker-image://', 'container-image://', 'docker://']) {
    if (value.startsWith(prefix)) {
      const ref = value.slice(prefix.length);
      if (!ref) throw new UsageError(`while parsing additional build context: ${JSON.stringify(spec)}: no image after ${prefix}`);
      return { name, context: { kind: 'image', ref } };
    }
  }
  if (isUrl(value)) return { name, context: { kind: 'url', url: value } };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw new UsageError(`while parsing additional build context: ${JSON.stringify(spec)}: unsupported scheme (want docker-image://, container-image://, docker://, http(s):// or a directory)`);
  return { name, context: { kind: 'dir', path: path.resolve(value) } };
}

/** All --build-context values; a name given twice keeps the last, as podman's map. */
export function parseBuildContexts(specs: readonly string[]): Map<string, NamedContext> {
  const out = new Map<string, NamedContext>();
  for (const s of specs) {
    const { name, context } = parseBuildContext(s);
    out.set(name, context);
  }
  return out;
}

/** Directory contexts are checked before the build starts (a typo fails at once, not at its COPY). */
export async function checkBuildContexts(contexts: ReadonlyMap<string, NamedContext>): Promise<void> {
  for (const [name, c] of contexts) {
    if (c.kind !== 'dir') continue;
    const st = await fs.stat(c.path).catch(() => undefined);
    if (!st) throw new TscRunError(`build context ${name}: ${c.path}: no such file or directory`);
    if (!st.isDirectory()) throw new TscRunError(`build context ${name}: ${c.path}: not a directory`);
  }
}

/** The directory a dir or URL context reads from; URLs are fetched once per build into the build's temporary directory. */
export class NamedContextDirs {
  private readonly fetched = new Map<string, Promise<string>>();
  private readonly made: string[] = [];

  constructor(private readonly tmpRoot: string) {}

  dir(name: string, c: Exclude<NamedContext, { kind: 'image' }>): Promise<string> {
    if (c.kind === 'dir') return Promise.resolve(c.path);
    let p = this.fetched.get(c.url);
    if (!p) {
      p = (async () => {
        const dir = await makeTemp(this.tmpRoot, 'context');
        this.made.push(dir);
        try {
          await unpackTar((await fetchUrl(c.url)).body, dir);
        } catch (err) {
          if (err instanceof TscRunError) throw err;
          throw new TscRunError(`build context ${name}: reading ${c.url}: ${(err as Error).message}`);
        }
        return dir;
      })();
      this.fetched.set(c.url, p);
    }
    return p;
  }

  async cleanup(): Promise<void> {
    for (const d of this.made.splice(0)) await fs.rm(d, { recursive: true, force: true });
  }
}
