// COPY and ADD: sources from the context (globs, ignore rules, symlinks kept
// as links), heredocs, another stage or image (--from), URLs and local tar
// archives (ADD); the destination resolved inside the step container's root
// by the helper, as `cp` resolves it; the content digest for the cache key.

import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Roots } from '../../config/paths.js';
import { TscRunError } from '../../errors.js';
import type { FsSession, PutItem } from '../../container-fs/fs-session.js';
import type { StatAnswer } from '../../container-fs/records.js';
import type { TarOut } from '../../container-fs/tar-io.js';
import type { ContainerRecord } from '../../storage/containers.js';
import type { Instruction } from '../containerfile/instructions.js';
import { processWord, type Lookup } from '../containerfile/words.js';
import { contextSources, type ContextSource } from '../context/context-walk.js';
import { DigestCache, sourcesDigest } from '../context/digest.js';
import { compilePattern, IgnoreMatcher } from '../context/ignore.js';
import { fetchUrl, isUrl, makeTemp } from '../context/open-context.js';
import { archiveItems, baseOf, bufferItem, contextItems, fileItem, looksLikeArchive, type Ownership } from './copy-items.js';
import { StepError } from './meta-steps.js';

type CopyInstruction = Extract<Instruction, { kind: 'COPY' | 'ADD' }>;

export type CopySource =
  | { kind: 'context'; src: ContextSource }
  | { kind: 'heredoc'; name: string; content: Buffer }
  | { kind: 'url'; url: string; file: string; size: number; name: string; mtime: Date }
  | { kind: 'archive'; src: ContextSource };

export interface CopyPlan {
  sources: CopySource[];
  /** Destination as written (after substitution), absolute. */
  dest: string;
  destIsDirHint: boolean;
  digest: string;
  /** The words for the history line. */
  summary: string;
}

export interface CopyContext {
  contextRoot: string;
  ignore: IgnoreMatcher;
  digests: DigestCache;
  tmpRoot: string;
  workdir: string;
}

function expandHeredoc(text: string, lookup: Lookup): string {
  return text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, a?: string, b?: string) => lookup((a ?? b)!) ?? '');
}

/** Substituted sources and destination. */
export function copyWords(ins: CopyInstruction, lookup: Lookup, esc: string): { srcs: string[]; dest: string } {
  const words = ins.args.map((w) => (w.startsWith('<<') ? w : processWord(w, lookup, esc)));
  return { srcs: words.slice(0, -1), dest: words[words.length - 1]! };
}

/** Everything a COPY/ADD from the context (or a heredoc, URL) needs, read before the cache lookup. */
export async function planCopy(ins: CopyInstruction, lookup: Lookup, esc: string, cx: CopyContext, root: string = cx.contextRoot): Promise<CopyPlan> {
  const sources: CopySource[] = [];
  try {
    return await planSources(ins, lookup, esc, cx, root, sources);
  } catch (err) {
    // The downloads of a plan that failed go (a kept plan's go after its step).
    for (const src of sources) if (src.kind === 'url') await fs.rm(path.dirname(src.file), { recursive: true, force: true });
    throw err;
  }
}

async function planSources(ins: CopyInstruction, lookup: Lookup, esc: string, cx: CopyContext, root: string, sources: CopySource[]): Promise<CopyPlan> {
  const { srcs, dest } = copyWords(ins, lookup, esc);
  const abs = dest.startsWith('/') ? dest : path.posix.join(cx.workdir || '/', dest) + (dest.endsWith('/') ? '/' : '');
  const h = createHash('sha256');
  for (const s of srcs) {
    const here = /^<<-?["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?$/.exec(s);
    const doc = here ? ins.heredocs.find((d) => d.name === here[1]) : undefined;
    if (doc) {
      const content = Buffer.from(doc.expand ? expandHeredoc(doc.content, lookup) : doc.content);
      sources.push({ kind: 'heredoc', name: doc.name, content });
      h.update(`heredoc\0${doc.name}\0`).update(content);
      continue;
    }
    if (isUrl(s)) {
      if (ins.kind === 'COPY') throw new StepError(`source can't be a URL for COPY: ${s}`);
      const dir = await makeTemp(cx.tmpRoot, 'add');
      const file = path.join(dir, 'download');
      let sum: string;
      let got: Awaited<ReturnType<typeof fetchUrl>>;
      try {
        got = await fetchUrl(s);
        const fh = await fs.open(file, 'w', 0o600);
        const fileHash = createHash('sha256');
        // --checksum names its algorithm (sha256, sha384, sha512): the download is hashed with it too.
        const algo = ins.checksum?.slice(0, ins.checksum.indexOf(':'));
        const checked = algo !== undefined && algo !== 'sha256' ? createHash(algo) : fileHash;
        try {
          for await (const chunk of got.body) {
            fileHash.update(chunk as Buffer);
            if (checked !== fileHash) checked.update(chunk as Buffer);
            await fh.write(chunk as Buffer);
          }
        } finally {
          await fh.close();
        }
        sum = fileHash.digest('hex');
        const have = checked === fileHash ? `sha256:${sum}` : `${algo}:${checked.digest('hex')}`;
        if (ins.checksum !== undefined && ins.checksum !== have) throw new StepError(`ADD ${s}: checksum mismatch: want ${ins.checksum}, got ${have}`);
      } catch (err) {
        // Nothing of a failed download stays behind.
        await fs.rm(dir, { recursive: true, force: true });
        throw err;
      }
      const size = (await fs.stat(file)).size;
      const name = baseOf(new URL(got.finalUrl).pathname) === '/' ? 'index.html' : baseOf(new URL(got.finalUrl).pathname);
      sources.push({ kind: 'url', url: s, file, size, name, mtime: got.lastModified ?? new Date(0) });
      h.update(`url\0${s}\0${sum}\0${got.lastModified?.toISOString() ?? ''}\n`);
      continue;
    }
    if (ins.checksum !== undefined) throw new StepError(`ADD --checksum is only for URL sources: ${s}`);
    for (const src of await contextSources(root, [s], cx.ignore)) {
      const archive = ins.kind === 'ADD' && !src.isDir && src.entries[0]?.type === 'file' && (await looksLikeArchive(src.entries[0].abs));
      sources.push(archive ? { kind: 'archive', src } : { kind: 'context', src });
      h.update(`${archive ? 'archive' : 'context'}\0`).update(await sourcesDigest([src], cx.digests));
    }
  }
  const count = sources.length;
  if (count > 1 && !abs.endsWith('/')) {
    throw new StepError(`when using ${ins.kind} with more than one source file, the destination must be a directory and end with a /`);
  }
  return { sources, dest: abs, destIsDirHint: abs.endsWith('/') || count > 1, digest: `sha256:${h.digest('hex')}`, summary: `${srcs.join(' ')} ${dest}` };
}

/** What COPY writes through: the helper's fs session on a step container, or a tar of an empty root (FROM scratch). */
export type PutTarget = Pick<FsSession, 'stat' | 'put'>;

/** An empty root (no layers yet) whose puts become tar entries, missing parents made 0755 root. */
export class TarTarget implements PutTarget {
  private readonly dirs = new Set<string>(['']);
  constructor(private readonly out: TarOut) {}

  stat(p: string): Promise<StatAnswer> {
    const clean = path.posix.normalize(`/${p}`);
    if (clean === '/') return Promise.resolve({ exists: true, kind: 'dir', resolved: '/' });
    return Promise.resolve({ exists: false, resolved: clean, parentExists: path.posix.dirname(clean) === '/' });
  }

  async put(dir: string, _overwrite: boolean, items: AsyncIterable<PutItem> | Iterable<PutItem>): Promise<void> {
    const base = path.posix.normalize(`/${dir}`).slice(1);
    for await (const { entry, data } of items) {
      const name = [base, entry.path].filter(Boolean).join('/');
      const parts = name.split('/');
      for (let i = 1; i < parts.length; i++) {
        const d = parts.slice(0, i).join('/');
        if (this.dirs.has(d)) continue;
        this.dirs.add(d);
        await this.out.add({ type: 'dir', path: d, mode: 0o755, uid: 0, gid: 0, size: 0, mtime: entry.mtime, xattrs: [] }, `${d}/`);
      }
      if (entry.type === 'dir') {
        if (this.dirs.has(name)) continue;
        this.dirs.add(name);
      }
      const e = entry.type === 'hardlink' ? { ...entry, linkname: [base, entry.linkname ?? ''].filter(Boolean).join('/') } : entry;
      await this.out.add(e, entry.type === 'dir' ? `${name}/` : name, async (sink) => {
        if (data === undefined) return;
        for await (const chunk of Buffer.isBuffer(data) ? [data] : data) await sink(chunk);
      });
    }
  }
}

/** The existing directory to put into, and the names below it that do not exist yet. */
async function destinationDir(s: PutTarget, abs: string): Promise<{ dir: string; rest: string; exists: boolean; isDir: boolean }> {
  const st = await s.stat(abs);
  if (st.exists) return { dir: st.kind === 'dir' ? st.resolved : path.posix.dirname(st.resolved), rest: st.kind === 'dir' ? '' : path.posix.basename(st.resolved), exists: true, isDir: st.kind === 'dir' };
  const parts = abs.split('/').filter(Boolean);
  for (let i = parts.length - 1; i >= 0; i--) {
    const up = `/${parts.slice(0, i).join('/')}`;
    const pst = await s.stat(up);
    if (!pst.exists) continue;
    if (pst.kind !== 'dir') throw new StepError(`cannot copy to ${abs}: ${up} is not a directory`);
    return { dir: pst.resolved, rest: parts.slice(i).join('/'), exists: false, isDir: false };
  }
  return { dir: '/', rest: parts.join('/'), exists: false, isDir: false };
}

async function* concat(gens: Array<() => AsyncIterable<PutItem> | Iterable<PutItem>>): AsyncGenerator<PutItem> {
  for (const g of gens) yield* g();
}

/** Put the planned sources into the session's root. */
export async function putSources(s: PutTarget, plan: CopyPlan, own: Ownership, chownGiven: boolean): Promise<void> {
  const d = await destinationDir(s, plan.dest.replace(/\/+$/, '') || '/');
  const intoDir = plan.destIsDirHint || d.isDir;
  const join = (...p: string[]) => p.filter(Boolean).join('/');
  const gens: Array<() => AsyncIterable<PutItem> | Iterable<PutItem>> = [];
  // `d.rest` is the part of the destination that does not exist (a new directory, or a new file name).
  if (own.owners && d.rest) {
    // COPY --from keeps the sources' owners, but the directories the copy creates are --chown's (0:0), as buildah's.
    const parts = (intoDir ? d.rest : path.posix.dirname(d.rest)).split('/').filter((x) => x && x !== '.');
    const now = new Date();
    const dirs: PutItem[] = parts.map((_, i) => ({
      entry: { type: 'dir', path: parts.slice(0, i + 1).join('/'), mode: 0o755, uid: own.uid, gid: own.gid, size: 0, mtime: { sec: Math.floor(now.getTime() / 1000), nsec: 0 }, xattrs: [] },
    }));
    gens.push(() => dirs);
  }
  for (const src of plan.sources) {
    switch (src.kind) {
      case 'context':
        if (src.src.isDir) gens.push(() => contextItems(src.src, d.rest, '', own));
        else if (intoDir) gens.push(() => contextItems(src.src, '', join(d.rest, baseOf(src.src.rel)), own));
        else gens.push(() => contextItems(src.src, '', d.rest, own));
        break;
      case 'heredoc':
        gens.push(() => [bufferItem(intoDir ? join(d.rest, src.name) : d.rest, src.content, 0o644, new Date(), own)]);
        break;
      case 'url':
        gens.push(() => [fileItem(intoDir ? join(d.rest, src.name) : d.rest, src.file, src.size, 0o600, src.mtime, own)]);
        break;
      case 'archive':
        gens.push(() => archiveItems(src.src.entries[0]!.abs, d.rest, chownGiven ? own : undefined));
        break;
    }
  }
  if (d.exists && !d.isDir && plan.sources.some((x) => (x.kind === 'context' && x.src.isDir) || x.kind === 'archive')) {
    throw new StepError(`cannot copy a directory to ${plan.dest}: it is a file`);
  }
  await s.put(d.dir, true, concat(gens));
}

/**
 * Read `paths` of a container's root (another stage or image, COPY --from)
 * into a private temporary directory; globs are matched against the
 * container's tree (`*` `?` `[...]` within one element, as in the context).
 * `owners` keeps each entry's ids and mode (buildah keeps them for --from).
 */
export async function extractFrom(
  roots: Roots,
  rec: ContainerRecord,
  paths: readonly string[],
  tmpRoot: string,
): Promise<{ dir: string; names: string[]; owners: Map<string, { uid: number; gid: number; mode: number }> }> {
  const [{ withContainerRoot }, { withFsSession }, { HostWriter }] = await Promise.all([
    import('../../container-fs/container-root.js'),
    import('../../container-fs/fs-session.js'),
    import('../../container-fs/host-tree.js'),
  ]);
  const dir = await makeTemp(tmpRoot, 'from');
  const names: string[] = [];
  const owners = new Map<string, { uid: number; gid: number; mode: number }>();
  await withContainerRoot(roots, rec, ({ root }) =>
    withFsSession(root, async (s) => {
      const wanted: string[] = [];
      for (const p of paths) {
        const abs = path.posix.resolve('/', p);
        if (!/[*?[]/.test(abs)) {
          wanted.push(abs);
          continue;
        }
        const parts = abs.split('/').filter(Boolean);
        const fixed = parts.findIndex((x) => /[*?[]/.test(x));
        const prefix = `/${parts.slice(0, fixed).join('/')}`;
        const re = compilePattern(parts.slice(fixed).join('/'));
        const st = await s.stat(prefix);
        const hits: string[] = [];
        if (st.exists && st.kind === 'dir') {
          await s.walk('list', st.resolved, (e) => {
            if (e.path && re.test(e.path)) hits.push(path.posix.join(prefix, e.path));
            return Promise.resolve();
          });
        }
        if (hits.length === 0) throw new TscRunError(`building: checking on sources: copier: stat: ${JSON.stringify(abs)}: no such file or directory`);
        wanted.push(...hits.sort());
      }
      for (const [i, abs] of wanted.entries()) {
        const st = await s.stat(abs);
        if (!st.exists) throw new TscRunError(`building: checking on sources: copier: stat: ${JSON.stringify(abs)}: no such file or directory`);
        const top = `${i}`;
        await fs.mkdir(path.join(dir, top), { mode: 0o700 });
        const writer = new HostWriter(path.join(dir, top));
        const base = baseOf(st.resolved);
        await s.walk('get', st.resolved, async (e, data) => {
          const name = st.kind === 'dir' ? e.path : e.path ? `${base}/${e.path}` : base;
          owners.set(name ? `${top}/${name}` : top, { uid: e.uid, gid: e.gid, mode: e.mode });
          if (!name) return;
          const entry = e.type === 'hardlink' ? { ...e, linkname: st.kind === 'dir' ? e.linkname : `${base}/${e.linkname ?? ''}` } : e;
          await writer.add(entry, name, data);
        });
        await writer.finish();
        names.push(st.kind === 'dir' ? top : `${top}/${base}`);
      }
    }),
  );
  return { dir, names, owners };
}
