// Runs a parsed Containerfile: stages in dependency order (independent ones
// side by side up to --jobs), each step either found in the layer cache or
// executed (metadata steps in memory, RUN/COPY/ADD in a step container whose
// changes become a layer), podman's step lines on the way, the last stage's
// image stored and tagged at the end.

import path from 'node:path';
import fs from 'node:fs/promises';
import type { Socket } from 'node:net';
import type { Roots } from '../../config/paths.js';
import { ChildExit, TscRunError } from '../../errors.js';
import type { ImageRecord } from '../../storage/images.js';
import type { ImageConfig } from '../../image/oci.js';
import { ImageStore } from '../../storage/images.js';
import { LayerStore } from '../../storage/layers/layer-store.js';
import { helperTreeOps } from '../../host/helper/tree-ops.js';
import { ContainerfileError } from '../containerfile/errors.js';
import { DEFAULT_PATH } from '../../runtime/container/run-spec.js';
import { parseInstruction, type Instruction } from '../containerfile/instructions.js';
import type { Containerfile, Stage } from '../containerfile/parse.js';
import { processWord, SubstitutionError } from '../containerfile/words.js';
import { DigestCache } from '../context/digest.js';
import type { IgnoreMatcher } from '../context/ignore.js';
import { BuildArgs, platformArgs, type Platform } from './build-args.js';
import { loadBuildImage, scratchImage, storeBuildImage, storeBuildImageNew, type BuildImage } from './build-image.js';
import { extractFrom, planCopy, putSources, TarTarget, type CopyContext } from './copy-step.js';
import type { Ownership } from './copy-items.js';
import { LayerCache, stepKey } from './layer-cache.js';
import { applyMeta, envLookup, setEnv, StepError, type MetaState } from './meta-steps.js';
import { runArgv } from './run-step.js';
import { parseRunMounts, type RunMount } from './run-mounts.js';
import type { MountSource, RunMountSources, SecretSource } from './mount-sources.js';
import { NamedContextDirs, type NamedContext } from '../context/named-contexts.js';
import type { StepRunOptions } from './step-container.js';
import { IgnoreMatcher as Matcher } from '../context/ignore.js';

export interface StepLineAt {
  /** The stage's index in the Containerfile. */
  stage: number;
  name?: string;
  /** The line is a STEP line: a step starts. */
  step?: boolean;
}

/** Where a RUN step's output goes instead of ours: the helper's stdout and stderr. */
export interface StepOutputChannel {
  socket: Socket;
  /** After the step: returns once all of its output was read. */
  close(): Promise<void>;
}

export type PullPolicy = 'always' | 'missing' | 'never' | 'newer';

/** A registry repository of step images, tagged with the step's cache key. */
export interface RemoteCache {
  /** --cache-from's repository (normalized, no tag). */
  from?: string | undefined;
  /** --cache-to's repository (normalized, no tag). */
  to?: string | undefined;
  /** Pull REF into the store; undefined when it cannot be had (a miss: the step runs). */
  pull(ref: string): Promise<ImageRecord | undefined>;
  /** Push the stored image `id` to REF. */
  push(id: string, ref: string): Promise<void>;
}

export interface BuildOptions {
  roots: Roots;
  file: Containerfile;
  contextRoot: string;
  contextInPlace: boolean;
  ignore: IgnoreMatcher;
  buildArgs: ReadonlyMap<string, string>;
  target?: string | undefined;
  /** Normalised names for the result. */
  tags: readonly string[];
  /** The first -t as given: buildah's COMMIT line names it so (`COMMIT build_test`). */
  commitName?: string | undefined;
  format: 'oci' | 'docker';
  /** --layers: store every step and use the cache; false: the build's new layers end as one (buildah's --layers=false, podman's --squash). */
  layers: boolean;
  /** --squash-all: every layer, the base's too, ends as one. */
  squashAll: boolean;
  noCache: boolean;
  cacheTtlMs?: number | undefined;
  /** --cache-from/--cache-to: step images pulled from / pushed to REPO:STEPKEY (buildah's registry cache). */
  remoteCache?: RemoteCache | undefined;
  pull: PullPolicy;
  platform: Platform;
  hostPlatform: Platform;
  labels: Readonly<Record<string, string>>;
  env: readonly string[];
  unsetEnv: readonly string[];
  timestamp?: Date | undefined;
  omitHistory: boolean;
  /** --os-version (replaces the base's) and --os-feature (added to the base's; NAME- removes one). */
  osVersion?: string | undefined;
  osFeatures?: readonly string[] | undefined;
  /** --annotation: the result's manifest annotations (OCI only). */
  annotations: Readonly<Record<string, string>>;
  jobs: number;
  /** RUN steps' container settings from the flags. */
  run: Pick<StepRunOptions, 'security' | 'addHosts' | 'dns' | 'dnsSearch' | 'dnsOptions' | 'noHosts' | 'limits' | 'stdin' | 'idMaps'> & { network?: string | undefined; volumes: readonly string[] };
  secrets: ReadonlyMap<string, SecretSource>;
  /** --ssh: id → agent socket. */
  ssh: ReadonlyMap<string, string>;
  /** --build-context: name → directory, URL or image. */
  buildContexts: ReadonlyMap<string, NamedContext>;
  quiet: boolean;
  /** A line of podman's step output (stdout); `at` names the stage whose step it starts (`step`) or ends. */
  out: (line: string, at?: StepLineAt) => void;
  /** The terminal view: a RUN step's output goes to this channel instead of our stdout and stderr. */
  runOutput?: ((at: StepLineAt) => Promise<StepOutputChannel>) | undefined;
  warn: (msg: string) => void;
  /** Aborted by Ctrl-C (or SIGTERM/SIGHUP): the build stops at the next step, cleaning up as for a failure. */
  signal?: AbortSignal | undefined;
  /** Pull an image for FROM / COPY --from. */
  pullImage: (ref: string, platform: Platform) => Promise<ImageRecord>;
}

interface StageResult {
  img: BuildImage;
  /** Layers and history entries the stage's FROM image brought. */
  baseLayers: number;
  baseHistory: number;
}

/** Which stages the target needs, and the dependencies of each. */
export function planStages(
  file: Containerfile,
  target: string | undefined,
  globalLookup: (n: string) => string | undefined,
  contexts: ReadonlyMap<string, NamedContext> = new Map(),
): { order: Stage[]; deps: Map<number, Set<number>>; baseName: Map<number, string> } {
  const esc = file.directives.escape;
  const byName = new Map<string, number>();
  const baseName = new Map<number, string>();
  const deps = new Map<number, Set<number>>();
  const refer = (s: Stage, ref: string): number | undefined => {
    // A named build context wins over a stage of that name (buildah).
    if (contexts.has(ref)) return undefined;
    const r = ref.toLowerCase();
    const named = byName.get(r);
    if (named !== undefined && named < s.index) return named;
    if (/^\d+$/.test(r) && Number(r) < s.index) return Number(r);
    return undefined;
  };
  for (const s of file.stages) {
    let image: string;
    try {
      image = processWord(s.from.image, globalLookup, esc);
    } catch (err) {
      throw new ContainerfileError(file.file, s.from.line, (err as Error).message);
    }
    if (!image) throw new ContainerfileError(file.file, s.from.line, `FROM ${s.from.image}: the image name is empty after substitution`);
    const named = contexts.get(image);
    if (named && named.kind !== 'image') {
      throw new ContainerfileError(file.file, s.from.line, `FROM ${image}: the build context ${image} is a ${named.kind === 'dir' ? 'directory' : 'URL'}, not an image (give it as docker-image://REF)`);
    }
    if (named?.kind === 'image') image = named.ref;
    baseName.set(s.index, image);
    const d = new Set<number>();
    const fromStage = named ? undefined : refer(s, image);
    if (fromStage !== undefined) d.add(fromStage);
    for (const step of s.steps) {
      if ((step.kind === 'COPY' && step.from !== undefined) || (step.kind === 'RUN' && step.mounts.some((m) => /(^|,)from=/.test(m)))) {
        const refs = step.kind === 'COPY' ? [step.from!] : step.kind === 'RUN' ? step.mounts.map((m) => /(?:^|,)from=([^,]+)/.exec(m)?.[1]).filter((x): x is string => x !== undefined) : [];
        for (const ref of refs) {
          const at = refer(s, processWord(ref, globalLookup, esc));
          if (at !== undefined) d.add(at);
        }
      }
    }
    deps.set(s.index, d);
    if (s.name) byName.set(s.name, s.index);
  }
  let last = file.stages.length - 1;
  if (target !== undefined) {
    const t = byName.get(target.toLowerCase());
    if (t === undefined) throw new TscRunError(`building: the target ${JSON.stringify(target)} was not found in the provided Containerfile`);
    last = t;
  }
  const needed = new Set<number>();
  const visit = (i: number) => {
    if (needed.has(i)) return;
    needed.add(i);
    for (const d of deps.get(i) ?? []) visit(d);
  };
  visit(last);
  return { order: file.stages.filter((s) => needed.has(s.index) && s.index <= last), deps, baseName };
}

export class Builder {
  private readonly results = new Map<number, Promise<StageResult>>();
  private readonly cache: LayerCache;
  private readonly args: BuildArgs;
  private readonly digests: DigestCache;
  private readonly tmpRoot: string;
  private readonly intermediates = new Set<string>();
  /** The final stage's last step came from the cache (buildah prints no COMMIT for it without a name). */
  private lastStepCached = false;
  /** The final step's push to --cache-to, made after its COMMIT line (as buildah's). */
  private finalCachePush: { id: string; key: string } | undefined;
  private plan!: ReturnType<typeof planStages>;
  private stageCount = 0;
  /** Made on the first RUN with --mount (its module loads only then). */
  private mounts: RunMountSources | undefined;
  private readonly namedDirs: NamedContextDirs;
  /** RUN --mount values of every planned step, parsed before anything runs. */
  private readonly runMounts = new Map<Instruction, RunMount[]>();
  private readonly namedDigests = new Map<string, Promise<DigestCache>>();

  constructor(private readonly o: BuildOptions) {
    this.cache = new LayerCache(o.roots.dataRoot);
    this.args = new BuildArgs(o.file.globalArgs, o.buildArgs, platformArgs(o.platform, o.hostPlatform), o.file.directives.escape);
    this.digests = new DigestCache(o.contextInPlace ? path.join(o.roots.dataRoot, 'build', 'digests') : undefined, o.contextRoot);
    this.tmpRoot = path.join(o.roots.dataRoot, 'build', 'tmp');
    this.namedDirs = new NamedContextDirs(this.tmpRoot);
  }

  private now(): string {
    return (this.o.timestamp ?? new Date()).toISOString();
  }

  /** A step's failure: bad input as `FILE:LINE: reason`, anything else as podman's `building at STEP "...": reason`. */
  private fail(ins: Instruction, err: unknown): never {
    this.checkAborted();
    if (err instanceof SubstitutionError || err instanceof StepError) throw new ContainerfileError(this.o.file.file, ins.line, err.message);
    if (err instanceof TscRunError && !(err instanceof RunFailed) && !(err instanceof ContainerfileError)) {
      throw new TscRunError(`building at STEP "${ins.original}": ${err.message}`, err.exitCode, { cause: err });
    }
    throw err;
  }

  async build(): Promise<ImageRecord> {
    await fs.mkdir(path.join(this.o.roots.dataRoot, 'build'), { recursive: true, mode: 0o700 });
    this.plan = planStages(this.o.file, this.o.target, this.args.globalLookup, this.o.buildContexts);
    this.stageCount = this.plan.order.length;
    for (const s of this.plan.order) {
      for (const ins of s.steps) {
        if (ins.kind !== 'RUN' || ins.mounts.length === 0) continue;
        try {
          this.runMounts.set(ins, parseRunMounts(ins.mounts));
        } catch (err) {
          this.fail(ins, err);
        }
      }
    }
    try {
      return await this.buildPlanned();
    } finally {
      await this.mounts?.cleanup();
      await this.namedDirs.cleanup();
    }
  }

  private async buildPlanned(): Promise<ImageRecord> {
    await this.digests.load();
    const last = this.plan.order[this.plan.order.length - 1]!;
    // Independent stages run side by side, at most --jobs at once.
    let running = 0;
    const waiters: Array<() => void> = [];
    const slot = async () => {
      while (running >= Math.max(1, this.o.jobs)) await new Promise<void>((r) => waiters.push(r));
      running++;
    };
    const release = () => {
      running--;
      waiters.shift()?.();
    };
    for (const s of this.plan.order) {
      const deps = [...(this.plan.deps.get(s.index) ?? [])];
      const p = (async () => {
        for (const d of deps) await this.results.get(d);
        await slot();
        try {
          return await this.runStage(s, s === last);
        } finally {
          release();
        }
      })();
      p.catch(() => undefined); // awaited below
      this.results.set(s.index, p);
    }
    let final: StageResult;
    try {
      for (const s of this.plan.order) await this.results.get(s.index);
      final = await this.results.get(last.index)!;
    } finally {
      await this.digests.save();
      for (const d of this.namedDigests.values()) await (await d.catch(() => undefined))?.save();
    }
    const unused = this.args.unconsumed();
    if (unused.length) this.o.warn(`one or more build args were not consumed: [${unused.join(' ')}]`);
    return this.commitFinal(final, last);
  }

  /** Which stage a step line belongs to (the terminal view groups a step's lines by it). */
  private at(s: Stage): StepLineAt {
    return { stage: s.index, ...(s.name ? { name: s.name } : {}) };
  }

  private prefix(s: Stage): string {
    return this.stageCount > 1 ? `[${this.plan.order.indexOf(s) + 1}/${this.stageCount}] ` : '';
  }

  /** Interrupted: stop here (the caller's clean-up runs as for a failure). */
  private checkAborted(): void {
    if (this.o.signal?.aborted) throw new BuildInterrupted();
  }

  private async commitFinal(result: StageResult, s: Stage): Promise<ImageRecord> {
    this.checkAborted();
    const out = await this.squashed(result);
    if (this.o.omitHistory) out.config.history = [];
    applyOsFields(out.config, this.o.osVersion, this.o.osFeatures ?? []);
    delete out.id;
    const names = this.o.tags;
    const shown = this.o.commitName ?? names[0];
    if (!(this.lastStepCached && !shown)) this.o.out(`${this.prefix(s)}COMMIT${shown ? ` ${shown}` : ''}`, this.at(s));
    if (this.finalCachePush) await this.pushCacheNow(s, this.finalCachePush.id, this.finalCachePush.key);
    const rec = await storeBuildImage(this.o.roots.dataRoot, out, this.o.format, names, this.o.annotations);
    this.o.out(`--> ${rec.id.slice(0, 11)}`, this.at(s));
    // buildah lists every name the image has once tagged, those it had before too.
    if (names.length) for (const n of rec.names) this.o.out(`Successfully tagged ${n}`, this.at(s));
    if (!this.o.layers) await this.dropIntermediates(rec.id);
    return rec;
  }

  /**
   * buildah's --layers=false (podman's --squash): the stage's new layers as
   * one, its history entries empty but the last; --squash-all: every layer
   * as one and only the build's own history entries.
   */
  private async squashed(r: StageResult): Promise<BuildImage> {
    if (this.o.layers && !this.o.squashAll) return structuredClone(r.img);
    const from = this.o.squashAll ? 0 : r.baseLayers;
    const { squashLayers } = await import('./squash.js');
    const out = r.img.layers.length - from > 1 || (this.o.squashAll && r.img.layers.length > 0) ? await squashLayers(this.o.roots, r.img, from) : structuredClone(r.img);
    const history = out.config.history ?? [];
    const own = history.slice(r.baseHistory).map((h) => ({ ...h, empty_layer: true as const }));
    const last = own[own.length - 1];
    if (last && out.layers.length > from) delete (last as { empty_layer?: boolean }).empty_layer;
    out.config.history = this.o.squashAll ? own : [...history.slice(0, r.baseHistory), ...own];
    delete out.id;
    return out;
  }

  /** --layers=false: the images steps needed on disk go again (their layers stay with the result). */
  private async dropIntermediates(keep: string): Promise<void> {
    const { removeImage } = await import('../../image/remove.js');
    for (const id of this.intermediates) {
      if (id === keep) continue;
      await removeImage({ dataRoot: this.o.roots.dataRoot, treeOps: helperTreeOps(), removeContainer: async () => {} }, id, false).catch(() => undefined);
    }
  }

  /** The image a FROM names: scratch, an earlier stage, or a stored/pulled image per --pull. */
  private async baseImage(s: Stage): Promise<{ img: BuildImage; key: string }> {
    const name = this.plan.baseName.get(s.index)!;
    const stageRef = [...this.plan.deps.get(s.index)!].find((d) => {
      const st = this.o.file.stages[d]!;
      return st.name === name.toLowerCase() || String(d) === name;
    });
    if (stageRef !== undefined) {
      const r = await this.results.get(stageRef)!;
      const img = structuredClone(r.img);
      if (!img.id) await this.store(img);
      return { img, key: `image:${img.id}` };
    }
    if (name === 'scratch') {
      const p = this.fromPlatform(s);
      return { img: scratchImage(p.arch, p.os, p.variant), key: `scratch:${p.os}/${p.arch}/${p.variant ?? ''}` };
    }
    const platform = this.fromPlatform(s);
    // buildah 1.28 names the step that failed to get a FROM image so (podman's bats: --pull-never).
    const rec = await this.resolveImage(name, platform).catch((err: unknown) => {
      if (err instanceof BuildInterrupted || !(err instanceof Error)) throw err;
      throw new TscRunError(`creating build container: ${err.message}`, err instanceof TscRunError ? err.exitCode : undefined, { cause: err });
    });
    const img = await loadBuildImage(this.o.roots.dataRoot, rec);
    return { img, key: `image:${rec.id}` };
  }

  private fromPlatform(s: Stage): Platform {
    if (!s.from.platform) return this.o.platform;
    const v = processWord(s.from.platform, this.args.globalLookup, this.o.file.directives.escape);
    const [os = '', arch = '', variant] = v.split('/');
    if (!os || !arch) throw new ContainerfileError(this.o.file.file, s.from.line, `invalid platform ${JSON.stringify(v)}: use OS/ARCH[/VARIANT]`);
    return { os, arch, variant };
  }

  async resolveImage(name: string, platform: Platform): Promise<ImageRecord> {
    const images = new ImageStore(this.o.roots.dataRoot);
    const local = await images.lookup(name).catch(() => undefined);
    switch (this.o.pull) {
      case 'never':
        if (!local) throw new TscRunError(`${name}: image not known`);
        return local;
      case 'missing':
        return local ?? this.o.pullImage(name, platform);
      case 'newer':
        try {
          return await this.o.pullImage(name, platform);
        } catch (err) {
          if (local) return local;
          throw err;
        }
      case 'always':
        return this.o.pullImage(name, platform);
    }
  }

  /** --cache-to: push a step's image as REPO:KEY (the final step's after its COMMIT line). */
  private async pushCache(s: Stage, id: string, key: string, lastStep: boolean): Promise<void> {
    const to = this.o.remoteCache?.to;
    if (to === undefined) return;
    if (lastStep) {
      this.finalCachePush = { id, key };
      return;
    }
    await this.pushCacheNow(s, id, key);
  }

  private async pushCacheNow(s: Stage, id: string, key: string): Promise<void> {
    const ref = `${this.o.remoteCache!.to!}:${key}`;
    this.o.out(`--> Pushing cache ${ref}`, this.at(s));
    try {
      await this.o.remoteCache!.push(id, ref);
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      throw new TscRunError(`failed pushing cache to ${JSON.stringify(`//${ref}`)}: ${err.message}`, err instanceof TscRunError ? err.exitCode : undefined, { cause: err });
    }
  }

  private async store(img: BuildImage): Promise<string> {
    const { record, isNew } = await storeBuildImageNew(this.o.roots.dataRoot, img, this.o.format);
    if (isNew) this.intermediates.add(record.id);
    return record.id;
  }

  private async runStage(s: Stage, isLast: boolean): Promise<StageResult> {
    const o = this.o;
    const esc = o.file.directives.escape;
    const total = s.steps.length + 1;
    const pre = this.prefix(s);
    o.out(`${pre}STEP 1/${total}: ${s.from.original.replace(/^\S+/, 'FROM')}`, { ...this.at(s), step: true });
    const base = await this.baseImage(s);
    const img = base.img;
    const baseLayers = img.layers.length;
    const baseHistory = (img.config.history ?? []).length;
    const stageArgs = this.args.stage();
    let key = stepKey(base.key, `format:${o.format}`);
    const meta: MetaState = { config: img.config.config, cmdSet: false };

    // buildah gives an image without PATH the default one, first.
    const env0 = img.config.config.Env ?? [];
    if (!env0.some((kv) => kv.startsWith('PATH='))) {
      img.config.config.Env = [`PATH=${DEFAULT_PATH}`, ...env0];
      delete img.id;
    }
    // podman's --env, --unsetenv, --label apply from FROM on.
    if (o.env.length || o.unsetEnv.length || Object.keys(o.labels).length) {
      for (const kv of o.env) {
        const eq = kv.indexOf('=');
        const k = eq < 0 ? kv : kv.slice(0, eq);
        const v = eq < 0 ? (process.env[k] ?? '') : kv.slice(eq + 1);
        img.config.config.Env = setEnv(img.config.config.Env ?? [], k, v);
      }
      if (o.unsetEnv.length) img.config.config.Env = (img.config.config.Env ?? []).filter((kv) => !o.unsetEnv.includes(kv.slice(0, Math.max(0, kv.indexOf('=')) || kv.length)));
      if (Object.keys(o.labels).length) img.config.config.Labels = { ...img.config.config.Labels, ...o.labels };
      delete img.id;
      key = stepKey(key, JSON.stringify({ env: o.env, unset: o.unsetEnv, labels: o.labels }));
    }

    // ONBUILD triggers of the base run first, then are cleared.
    const triggers: Instruction[] = (img.config.config.OnBuild ?? []).map((t) => parseInstruction(o.file.file, { line: s.from.line, text: t, heredocs: [] }, esc, true));
    if (triggers.length) {
      delete img.config.config.OnBuild;
      delete img.id;
      key = stepKey(key, 'onbuild-cleared');
    }
    const steps: Array<{ ins: Instruction; n: number | undefined }> = [...triggers.map((ins) => ({ ins, n: undefined })), ...s.steps.map((ins, i) => ({ ins, n: i + 2 }))];

    let state = img;
    for (const { ins, n } of steps) {
      this.checkAborted();
      if (n !== undefined) o.out(`${pre}STEP ${n}/${total}: ${ins.original}`, { ...this.at(s), step: true });
      const env = envLookup(state.config.config.Env);
      const lookup = stageArgs.lookup(env);
      if (ins.kind === 'ARG') {
        try {
          stageArgs.declare(ins, lookup, esc);
        } catch (err) {
          this.fail(ins, err);
        }
        key = stepKey(key, ins.original, JSON.stringify([...stageArgs.values]));
        continue;
      }
      let stepDigest = '';
      let copyPlan: Awaited<ReturnType<typeof planCopy>> | undefined;
      let fromImage: BuildImage | undefined;
      const cx: CopyContext = { contextRoot: o.contextRoot, ignore: o.ignore, digests: this.digests, tmpRoot: this.tmpRoot, workdir: state.config.config.WorkingDir ?? '/' };
      try {
        if (ins.kind === 'COPY' || ins.kind === 'ADD') {
          const fromRef = ins.kind === 'COPY' && ins.from !== undefined ? processWord(ins.from, lookup, esc) : undefined;
          const named = fromRef !== undefined ? this.o.buildContexts.get(fromRef) : undefined;
          if (fromRef !== undefined && named && named.kind !== 'image') {
            // A named directory or URL context: read like the main context, without its ignore file (buildah).
            const dir = await this.namedDirs.dir(fromRef, named);
            copyPlan = await planCopy(ins, lookup, esc, { ...cx, contextRoot: dir, ignore: new Matcher([]), digests: await this.namedDigest(dir, named.kind === 'dir') });
            stepDigest = `context:${copyPlan.digest}`;
          } else if (fromRef !== undefined) {
            fromImage = named?.kind === 'image' ? await loadBuildImage(o.roots.dataRoot, await this.resolveImage(named.ref, o.platform)) : await this.copyFromSource(s, fromRef);
            stepDigest = `from:${fromImage.id}`;
          } else {
            copyPlan = await planCopy(ins, lookup, esc, cx);
            stepDigest = copyPlan.digest;
          }
          if (ins.parents) throw new StepError('COPY --parents is not supported');
          if (ins.exclude.length) throw new StepError(`${ins.kind} --exclude is not supported`);
          if (ins.keepGitDir) throw new StepError('ADD --keep-git-dir is only for git sources, which are not supported');
        }
      } catch (err) {
        this.fail(ins, err);
      }
      const runEnv = ins.kind === 'RUN' ? stageArgs.runEnv(env) : [];
      key = stepKey(key, ins.original, stepDigest, ins.kind === 'RUN' ? JSON.stringify(runEnv) : '');
      const lastStep = isLast && n === total;
      if (o.layers && !o.noCache) {
        const hit = await this.cache.get(key, o.cacheTtlMs);
        let rec = hit ? await new ImageStore(o.roots.dataRoot).lookup(hit).catch(() => undefined) : undefined;
        let whole = rec ? await new LayerStore(o.roots.dataRoot, helperTreeOps()).stack(rec.layers).then(() => true, () => false) : false;
        let pulled = false;
        if (!(rec && whole) && o.remoteCache?.from !== undefined) {
          // Not here: the step's image from --cache-from, if it has one (a failed pull is a miss, as buildah's).
          const ref = `${o.remoteCache.from}:${key}`;
          const got = await o.remoteCache.pull(ref);
          if (got) {
            o.out(`--> Cache pulled from remote ${ref}`, this.at(s));
            await this.cache.set(key, got.id);
            rec = got;
            whole = true;
            pulled = true;
          }
        }
        if (rec && whole) {
          // A cached ADD of a URL: its download is not needed.
          for (const src of copyPlan?.sources ?? []) if (src.kind === 'url') await fs.rm(path.dirname(src.file), { recursive: true, force: true });
          o.out(`--> Using cache ${rec.id}`, this.at(s));
          state = await loadBuildImage(o.roots.dataRoot, rec);
          meta.config = state.config.config;
          if (ins.kind === 'CMD') meta.cmdSet = true;
          // A step found here (not pulled) goes to --cache-to too.
          if (!pulled) await this.pushCache(s, rec.id, key, lastStep);
          // buildah: the last step's id is printed once, after COMMIT (which an untagged cached result does not print).
          if (lastStep) this.lastStepCached = true;
          else o.out(`--> ${rec.id.slice(0, 11)}`, this.at(s));
          continue;
        }
      }
      try {
        await this.execute(s, ins, state, meta, lookup, runEnv, copyPlan, fromImage);
      } catch (err) {
        this.fail(ins, err);
      }
      if (meta.author !== undefined) state.config.author = meta.author;
      if (o.layers) {
        const id = await this.store(state);
        await this.cache.set(key, id);
        await this.pushCache(s, id, key, lastStep);
        if (!lastStep) o.out(`--> ${id.slice(0, 11)}`, this.at(s));
      }
    }
    if (o.layers && !state.id) await this.store(state);
    return { img: state, baseLayers, baseHistory };
  }

  /** The digest cache of a named directory context (kept on disk like the main context's), or of a URL's unpacked copy. */
  private namedDigest(dir: string, persistent: boolean): Promise<DigestCache> {
    let p = this.namedDigests.get(dir);
    if (!p) {
      p = (async () => {
        const c = new DigestCache(persistent ? path.join(this.o.roots.dataRoot, 'build', 'digests') : undefined, dir);
        await c.load();
        return c;
      })();
      this.namedDigests.set(dir, p);
    }
    return p;
  }

  /** What RUN --mount from=REF reads: a named context, an earlier stage, or an image. */
  private async mountSource(s: Stage, ref: string): Promise<MountSource> {
    const named = this.o.buildContexts.get(ref);
    if (named?.kind === 'image') return { kind: 'image', img: await loadBuildImage(this.o.roots.dataRoot, await this.resolveImage(named.ref, this.o.platform)), stage: false };
    if (named) return { kind: 'dir', root: await this.namedDirs.dir(ref, named) };
    const stages = this.o.file.stages;
    const isStage = stages.some((x, i) => i < s.index && (x.name === ref.toLowerCase() || String(i) === ref));
    return { kind: 'image', img: await this.copyFromSource(s, ref), stage: isStage };
  }

  private async copyFromSource(s: Stage, ref: string): Promise<BuildImage> {
    const stages = this.o.file.stages;
    const at = stages.findIndex((x, i) => i < s.index && (x.name === ref.toLowerCase() || String(i) === ref));
    if (at >= 0) {
      const r = await this.results.get(at);
      if (!r) throw new TscRunError(`COPY --from=${ref}: stage ${at} was not built`);
      if (!r.img.id) await this.store(r.img);
      return r.img;
    }
    const rec = await this.resolveImage(ref, this.o.platform);
    return loadBuildImage(this.o.roots.dataRoot, rec);
  }

  private history(state: BuildImage, createdBy: string, empty: boolean): void {
    state.config.history = [...(state.config.history ?? []), { created: this.now(), created_by: createdBy, ...(empty ? { empty_layer: true } : {}) }];
    state.config.created = this.now();
  }

  private async execute(
    stage: Stage,
    ins: Instruction,
    state: BuildImage,
    meta: MetaState,
    lookup: (n: string) => string | undefined,
    runEnv: string[],
    copyPlan: Awaited<ReturnType<typeof planCopy>> | undefined,
    fromImage: BuildImage | undefined,
  ): Promise<void> {
    const o = this.o;
    const roots = o.roots;
    const esc = o.file.directives.escape;
    const cfg = state.config.config;
    // Step containers (the runtime, container-fs) load only when a step runs: a fully cached build never needs them.
    const { addLayer, commitStepLayer, commitTarLayer, runStep, withStepContainer } = ins.kind === 'RUN' || ins.kind === 'COPY' || ins.kind === 'ADD' ? await import('./step-container.js') : ({} as typeof import('./step-container.js'));
    if (ins.kind === 'RUN') {
      const argv = runArgv(ins, cfg.Shell);
      const runMounts = this.runMounts.get(ins) ?? parseRunMounts(ins.mounts);
      const id = state.id ?? (await this.store(state));
      const network = ins.network === 'none' ? 'none' : ins.network === 'host' ? 'host' : (o.run.network ?? 'host');
      const security = ins.security === 'insecure' ? { ...o.run.security, privileged: true } : o.run.security;
      if (!this.mounts) {
        const { RunMountSources } = await import('./mount-sources.js');
        this.mounts = new RunMountSources(o.roots, this.tmpRoot, o.secrets, o.ssh);
      }
      await this.mounts.withMounts(runMounts, (ref) => this.mountSource(stage, ref), { kind: 'dir', root: o.contextRoot }, (m) => withStepContainer(
        roots,
        id,
        {
          command: argv,
          env: [...runEnv, ...m.env],
          workdir: cfg.WorkingDir || '/',
          user: cfg.User ?? '',
          network,
          ...(security ? { security } : {}),
          ...(o.run.addHosts ? { addHosts: o.run.addHosts } : {}),
          ...(o.run.dns ? { dns: o.run.dns } : {}),
          ...(o.run.dnsSearch ? { dnsSearch: o.run.dnsSearch } : {}),
          ...(o.run.dnsOptions ? { dnsOptions: o.run.dnsOptions } : {}),
          ...(o.run.noHosts ? { noHosts: true } : {}),
          ...(o.run.limits ? { limits: o.run.limits } : {}),
          ...(o.run.stdin ? { stdin: true } : {}),
          ...(o.run.idMaps ? { idMaps: o.run.idMaps } : {}),
          mounts: { volume: o.run.volumes, mount: m.mount },
        },
        async (rec) => {
          const channel = o.runOutput && !o.quiet ? await o.runOutput(this.at(stage)) : undefined;
          let code: number;
          try {
            code = await runStep(roots, rec, !o.quiet, channel?.socket, o.signal);
          } finally {
            await channel?.close();
          }
          if (code !== 0) throw new RunFailed(ins.original, code);
          addLayer(state, await commitStepLayer(roots, rec, state, m.mount.map((x) => /(?:^|,)dst=([^,]+)/.exec(x)![1]!)));
        },
      ));
      this.history(state, `/bin/sh -c ${'exec' in ins.command ? ins.command.exec.join(' ') : ins.command.shell}`, false);
      return;
    }
    if (ins.kind === 'COPY' || ins.kind === 'ADD') {
      let own = await this.ownership(ins, state, lookup);
      let plan = copyPlan;
      let cleanup: string | undefined;
      const id = state.id ?? (state.layers.length ? await this.store(state) : '');
      try {
        if (!plan && fromImage) {
          const { srcs } = (await import('./copy-step.js')).copyWords(ins, lookup, esc);
          const got = await withStepContainer(roots, fromImage.id!, {}, (rec) => extractFrom(roots, rec, srcs, this.tmpRoot));
          cleanup = got.dir;
          // buildah keeps the ids of what COPY --from copies unless --chown says otherwise.
          if (ins.chown === undefined) own = { ...own, owners: got.owners };
          const cx: CopyContext = { contextRoot: got.dir, ignore: new Matcher([]), digests: new DigestCache(undefined, got.dir), tmpRoot: this.tmpRoot, workdir: cfg.WorkingDir ?? '/' };
          const words = [...got.names, ins.args[ins.args.length - 1]!];
          plan = await planCopy({ ...ins, args: words, json: true }, lookup, esc, cx, got.dir);
        }
        const p = plan!;
        if (state.layers.length === 0) {
          // Nothing to mount yet (FROM scratch): the layer is written as a tar straight away.
          addLayer(state, await commitTarLayer(roots, state, (out) => putSources(new TarTarget(out), p, own, ins.chown !== undefined)));
        } else await withStepContainer(roots, id, {}, async (rec) => {
          const [{ withContainerRoot }, { withFsSession }] = await Promise.all([import('../../container-fs/container-root.js'), import('../../container-fs/fs-session.js')]);
          await withContainerRoot(roots, rec, ({ root }) => withFsSession(root, (sess) => putSources(sess, p, own, ins.chown !== undefined)));
          addLayer(state, await commitStepLayer(roots, rec, state));
        });
        const what = p.sources.length === 1 && p.sources[0]!.kind === 'context' && !p.sources[0]!.src.isDir ? 'file' : 'dir';
        this.history(state, `/bin/sh -c #(nop) ${ins.kind} ${what}:${p.digest.slice('sha256:'.length)} in ${p.dest} `, false);
      } finally {
        if (cleanup) await fs.rm(cleanup, { recursive: true, force: true });
        for (const src of plan?.sources ?? []) if (src.kind === 'url') await fs.rm(path.dirname(src.file), { recursive: true, force: true });
      }
      return;
    }
    const text = applyMeta(meta, ins, lookup, esc);
    state.config.config = meta.config;
    delete state.id;
    this.history(state, `/bin/sh -c #(nop) ${text}`, true);
  }

  /** --chown (names resolved in the image's /etc/passwd and /etc/group) and --chmod. */
  private async ownership(ins: Extract<Instruction, { kind: 'COPY' | 'ADD' }>, state: BuildImage, lookup: (n: string) => string | undefined): Promise<Ownership> {
    const esc = this.o.file.directives.escape;
    const mode = ins.chmod !== undefined ? parseInt(processWord(ins.chmod, lookup, esc), 8) : undefined;
    if (mode !== undefined && (Number.isNaN(mode) || mode > 0o7777)) throw new StepError(`invalid chmod parameter ${JSON.stringify(ins.chmod)}`);
    if (ins.chown === undefined) return { uid: 0, gid: 0, ...(mode !== undefined ? { mode } : {}) };
    const spec = processWord(ins.chown, lookup, esc);
    const [{ readImageFile }, { resolveUserIds }] = await Promise.all([import('../../runtime/container/image-files.js'), import('../../runtime/userns/user-resolve.js')]);
    const layers = new LayerStore(this.o.roots.dataRoot, helperTreeOps());
    const dirs = state.layers.map((l) => layers.diffDir(l)).reverse();
    const [u = '', g] = spec.split(':');
    const passwd = /^\d+$/.test(u) ? undefined : await readImageFile(dirs, 'etc/passwd');
    const group = g === undefined || /^\d+$/.test(g) ? undefined : await readImageFile(dirs, 'etc/group');
    let ids;
    try {
      ids = resolveUserIds(spec, passwd, group);
    } catch (err) {
      throw new StepError(`--chown=${spec}: ${(err as Error).message}`);
    }
    // A user alone: its own group id (Docker), a numeric user alone: the same number.
    const gid = g === undefined && /^\d+$/.test(u) ? Number(u) : ids.gid;
    return { uid: ids.uid, gid, ...(mode !== undefined ? { mode } : {}) };
  }
}

/** The build was interrupted: podman 4.3 exits 1 and prints nothing then. */
export class BuildInterrupted extends ChildExit {
  constructor() {
    super(1);
  }
}

export class RunFailed extends TscRunError {
  constructor(instruction: string, readonly status: number) {
    super(`building at STEP "${instruction}": while running runtime: exit status ${status}`, status);
  }
}

/**
 * --os-version and --os-feature into the image config's `os.version` and
 * `os.features` (OCI and Docker alike). Recorded whether or not the last step
 * came from the cache (buildah 1.28 drops them then: checked side by side).
 */
export function applyOsFields(config: ImageConfig, version: string | undefined, features: readonly string[]): void {
  const c = config as ImageConfig & { 'os.version'?: string; 'os.features'?: string[] };
  if (version !== undefined) c['os.version'] = version;
  if (!features.length) return;
  const set = new Set(c['os.features'] ?? []);
  for (const f of features) {
    if (f.endsWith('-')) set.delete(f.slice(0, -1));
    else set.add(f);
  }
  if (set.size) c['os.features'] = [...set];
  else delete c['os.features'];
}
