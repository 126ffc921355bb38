// `compose up` / `compose create`: volumes, images, secrets, then each
// service's containers in dependency order (waiting for the conditions of
// depends_on), as the planner (plan.ts) says. Everything that can be checked
// is checked before the first object is created.

import fs from 'node:fs';
import path from 'node:path';
import { ComposeError } from '../errors.js';
import { bindSourcesToCreate, createArgs, healthFlags, nameOf, unsupportedKeys, volumesFromArg } from '../create-args.js';
import { networkCreateArgs, networkFlags, usedNetworks } from '../networks.js';
import { ensureNetworks } from './networks.js';
import { buildArgs, buildSecretNames, type BuildFlags } from '../build-args.js';
import { serviceImage } from '../config-view.js';
import { L, serviceHash } from '../labels.js';
import type { Project } from '../model.js';
import { dependencyLevels, orphans, planService, replicas, type Action, type PlanOptions } from '../plan.js';
import { dependentsOf } from '../dependents.js';
import { withServices } from '../select.js';
import { waitHealthy } from './health.js';
import type { Progress } from './progress.js';
import type { Engine } from './runner.js';
import { existingVolumes, projectContainers, type ProjectContainer } from './state.js';

export interface UpOptions {
  services: string[];
  /** The containers afterwards are not needed (detached up, create): one `ps` fewer. */
  noResult?: boolean;
  noDeps?: boolean;
  noStart?: boolean;
  forceRecreate?: boolean;
  noRecreate?: boolean;
  removeOrphans?: boolean;
  scale?: Record<string, number>;
  build?: boolean;
  noBuild?: boolean;
  /** --pull always|missing|never */
  pull?: string;
  timeout?: number | undefined;
  /** --always-recreate-deps: dependencies pulled in by named services are recreated. */
  alwaysRecreateDeps?: boolean | undefined;
  /** --quiet-pull: no progress lines for pulls. */
  quietPull?: boolean | undefined;
  /** -V: a recreated container gets new anonymous volumes (its old ones go with it). */
  renewAnonVolumes?: boolean | undefined;
}

export interface ComposeContext {
  project: Project;
  engine: Engine;
  progress: Progress;
  /**
   * Ends a live progress view (on a terminal) before other output (logs, a
   * one-off's terminal): its last frame stays, the next progress opens a new
   * one titled `nextTitle`. Absent or a no-op for plain lines.
   */
  endProgress?: ((nextTitle?: string) => Promise<void>) | undefined;
  /** Where compose keeps files of its own (secrets written from environment/content). */
  stateDir: string;
  warn: (m: string) => void;
  /** --dry-run: the engine only pretends writes (dry-run.ts); compose writes no file of its own either. */
  dryRun?: boolean | undefined;
}

/** The project narrowed to what the command names (with dependencies unless noDeps). */
export function selected(p: Project, names: readonly string[], noDeps = false): Project {
  for (const n of names) {
    if (!(n in p.services)) {
      if (n in p.disabledServices) {
        // Naming a service enables its profile (docker compose).
        p.services[n] = p.disabledServices[n]!;
        delete p.disabledServices[n];
        continue;
      }
      throw new ComposeError(`no such service: ${n}`);
    }
  }
  return names.length ? withServices(p, names, !noDeps) : p;
}

/** Fails before anything is created: keys we cannot honour, build services without an engine build. */
function preflight(p: Project): void {
  for (const [name, s] of Object.entries(p.services)) {
    const bad = unsupportedKeys(name, s);
    if (bad.length) throw new ComposeError(bad[0]!);
    healthFlags(name, s);
    for (const v of s.volumes_from ?? []) volumesFromArg(p, name, v);
  }
  // Networks' create flags are checked here too (ipam, options we cannot honour).
  for (const key of usedNetworks(p)) if (!p.networks[key]!.external) networkCreateArgs(p, key);
  for (const name of Object.keys(p.services)) if (p.services[name]!.network_mode === undefined) networkFlags(p, name, false);
}

/** The image's id (`sha256:HEX`, docker compose's com.docker.compose.image), or undefined when it is not here. */
async function imageId(engine: Engine, image: string): Promise<string | undefined> {
  const r = await engine.capture(['image', 'inspect', '--format', '{{.Id}}', image]);
  if (r.code !== 0) return undefined;
  const id = r.stdout.trim().replace(/^sha256:/, '');
  return /^[0-9a-f]{64}$/.test(id) ? `sha256:${id}` : undefined;
}

/** Images present, pulled or built as the pull policy says; the id of each service's image (a container of an older one is recreated). */
export async function ensureImages(ctx: ComposeContext, o: Pick<UpOptions, 'build' | 'noBuild' | 'pull' | 'quietPull'>): Promise<Record<string, string>> {
  const p = ctx.project;
  // Which images are present, asked once each and all at once.
  const ids = new Map<string, Promise<string | undefined>>();
  const idOf = (image: string) => {
    if (!ids.has(image)) ids.set(image, imageId(ctx.engine, image));
    return ids.get(image)!;
  };
  const exists = async (image: string) => (await idOf(image)) !== undefined || ctx.dryRun === true && changed.has(image);
  const changed = new Set<string>();
  const refresh = (image: string) => {
    changed.add(image);
    ids.set(image, imageId(ctx.engine, image));
  };
  for (const name of Object.keys(p.services)) void exists(serviceImage(p, name));
  for (const name of Object.keys(p.services).sort()) {
    const s = p.services[name]!;
    const image = serviceImage(p, name);
    const policy = o.pull ?? s.pull_policy ?? 'missing';
    if (s.build && !o.noBuild && (o.build || policy === 'build' || !(await exists(image)))) {
      await buildService(ctx, name);
      refresh(image);
      continue;
    }
    if (policy === 'always' || ((policy === 'missing' || policy === 'if_not_present') && !(await exists(image)))) {
      if (s.build && o.noBuild && !(await exists(image))) throw new ComposeError(`image ${image} for service ${name} is not built and --no-build was given`);
      if (!o.quietPull) ctx.progress('Image', image, 'Pulling');
      await ctx.engine.must(['pull', '--quiet', image]);
      if (!o.quietPull) ctx.progress('Image', image, 'Pulled');
      refresh(image);
    } else if (policy === 'never' && !(await exists(image))) {
      throw new ComposeError(`image ${image} for service ${name} is not present and its pull_policy is never`);
    }
  }
  const out: Record<string, string> = {};
  for (const name of Object.keys(p.services)) {
    const id = await idOf(serviceImage(p, name));
    if (id !== undefined) out[name] = id;
  }
  return out;
}

/**
 * The spec's default `dockerfile` is `Dockerfile`; a podman user's context
 * often has only a `Containerfile` (podman-compose looks for both). When the
 * default is absent, `build` is left to search the context itself
 * (Containerfile, then Dockerfile) and name what is missing.
 */
function isDefaultDockerfileMissing(context: string, dockerfile: string): boolean {
  return dockerfile === 'Dockerfile' && !fs.existsSync(path.join(context, dockerfile));
}

/** `build:` through `tsc-run build` (-t the service's image, -f, --build-arg, --target, --label). */
export async function buildService(ctx: ComposeContext, name: string, flags?: BuildFlags): Promise<void> {
  const p = ctx.project;
  const b = p.services[name]!.build!;
  let inline: string | undefined;
  if (b.dockerfile_inline !== undefined) {
    inline = path.join(ctx.stateDir, `${name}.Dockerfile`);
    if (!ctx.dryRun) {
      fs.mkdirSync(ctx.stateDir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(inline, b.dockerfile_inline);
    }
  }
  const secretFiles = buildSecretNames([b]).length ? materializeSecrets(ctx, 'secrets') : {};
  const args = buildArgs({
    service: name,
    build: b,
    image: serviceImage(p, name),
    inlineDockerfile: inline,
    dockerfileGiven: b.dockerfile !== undefined && !isDefaultDockerfileMissing(b.context, b.dockerfile),
    secretFiles,
    environment: p.environment,
    flags,
  });
  ctx.progress('Image', serviceImage(p, name), 'Building');
  const r = await ctx.engine.capture(args);
  if (r.code !== 0) {
    const line = r.stderr.split('\n').filter(Boolean).pop() ?? '';
    if (/unrecognized command/.test(line)) throw new ComposeError(`services.${name}.build: this tsc-run has no build command yet`);
    throw new ComposeError(`failed to build ${name}: ${line.replace(/^Error: /, '')}`, r.code);
  }
  ctx.progress('Image', serviceImage(p, name), 'Built');
}

export async function ensureVolumes(ctx: ComposeContext): Promise<void> {
  const p = ctx.project;
  const used = new Set<string>(p.allResources ? Object.keys(p.volumes) : []);
  for (const s of Object.values(p.services)) for (const v of s.volumes ?? []) if (v.type === 'volume' && v.source) used.add(v.source);
  if (!used.size) return;
  const have = await existingVolumes(ctx.engine);
  for (const key of [...used].sort()) {
    const v = p.volumes[key]!;
    const name = v.name!;
    if (v.external) {
      if (!have.has(name)) throw new ComposeError(`external volume "${name}" not found`);
      continue;
    }
    const found = have.get(name);
    if (found) {
      if (found.labels[L.project] !== undefined && found.labels[L.project] !== p.name) {
        ctx.warn(`volume "${name}" already exists but was created for project "${found.labels[L.project]}" (expected "${p.name}"). Use \`external: true\` to use an existing volume`);
      }
      continue;
    }
    if (v.driver !== undefined && v.driver !== 'local') throw new ComposeError(`volumes.${key}.driver: only the local driver exists in tsc-run`);
    const args = ['volume', 'create', '--label', `${L.project}=${p.name}`, '--label', `${L.volume}=${key}`, '--label', `${L.version}=2.24.0`];
    for (const [k, val] of Object.entries(v.labels ?? {})) args.push('--label', `${k}=${val}`);
    for (const [k, val] of Object.entries(v.driver_opts ?? {})) args.push('--opt', `${k}=${val}`);
    ctx.progress('Volume', `"${name}"`, 'Creating');
    await ctx.engine.must([...args, name]);
    ctx.progress('Volume', `"${name}"`, 'Created');
  }
}

/** Secrets and configs as files to bind: `file` as it is, `environment`/`content` written 0600 under stateDir. */
export function materializeSecrets(ctx: ComposeContext, kind: 'secrets' | 'configs'): Record<string, string> {
  const p = ctx.project;
  const out: Record<string, string> = {};
  const used = new Set(Object.values(p.services).flatMap((s) => (s[kind] ?? []).map((x) => x.source)));
  // Secrets a build names are files too (the engine's build --secret).
  if (kind === 'secrets') for (const n of buildSecretNames(Object.values(p.services).map((s) => s.build))) used.add(n);
  for (const key of used) {
    const d = p[kind][key];
    if (!d) throw new ComposeError(`${kind}.${key}: undefined ${kind === 'secrets' ? 'secret' : 'config'} ${JSON.stringify(key)}`);
    if (d.external) throw new ComposeError(`${kind}.${key}: external ${kind} are not supported by tsc-run compose`);
    if (d.file !== undefined) {
      if (!fs.existsSync(d.file)) throw new ComposeError(`${kind}.${key}: file ${d.file} not found`);
      out[key] = d.file;
      continue;
    }
    const value = d.environment !== undefined ? p.environment[d.environment] : d.content;
    if (value === undefined) throw new ComposeError(`${kind}.${key}: environment variable ${d.environment} is not set`);
    const dir = path.join(ctx.stateDir, kind);
    const f = path.join(dir, key);
    out[key] = f;
    if (ctx.dryRun) continue;
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${f}.${process.pid}.tmp`;
    fs.rmSync(tmp, { force: true });
    // 0444 as docker compose gives them (any container user reads it); the directory is the user's alone.
    fs.writeFileSync(tmp, value, { mode: 0o444 });
    fs.chmodSync(tmp, 0o444);
    fs.renameSync(tmp, f);
    out[key] = f;
  }
  return out;
}

/** `mode` of a grant: a number, or an octal string. */
function grantMode(where: string, m: number | string): number {
  const n = typeof m === 'number' ? m : /^0?[0-7]{1,4}$/.test(m) ? parseInt(m, 8) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0o7777) throw new ComposeError(`${where}.mode: invalid file mode ${JSON.stringify(m)}`);
  return n;
}

/** A grant's owner id: a number (compose writes it as a string). */
function grantId(where: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(String(v))) throw new ComposeError(`${where}: invalid id ${JSON.stringify(v)} (a number)`);
  return Number(v);
}

/**
 * Grants with `uid`, `gid` or `mode`: a copy of the file per service and
 * grant (key `SERVICE#INDEX`), with that mode and owned by that container
 * uid/gid (a sub-id, through `unshare chown`, when rootless); the others
 * bind the file as it is.
 */
export async function grantFiles(ctx: ComposeContext, kind: 'secrets' | 'configs', base: Record<string, string>): Promise<Record<string, string>> {
  const out = { ...base };
  for (const [service, s] of Object.entries(ctx.project.services)) {
    for (const [i, g] of (s[kind] ?? []).entries()) {
      if (g.uid === undefined && g.gid === undefined && g.mode === undefined) continue;
      const where = `services.${service}.${kind}[${i}]`;
      const uid = grantId(`${where}.uid`, g.uid);
      const gid = grantId(`${where}.gid`, g.gid);
      const src = base[g.source]!;
      const given = g.mode !== undefined ? grantMode(where, g.mode) : undefined;
      const dir = path.join(ctx.stateDir, kind, '.grants');
      const f = path.join(dir, `${service}#${i}`);
      out[`${service}#${i}`] = f;
      if (ctx.dryRun) continue;
      const mode = given ?? fs.statSync(src).mode & 0o7777;
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      // A copy owned by a sub-id from an earlier up cannot be overwritten in place: replaced by rename.
      const tmp = `${f}.${process.pid}.tmp`;
      fs.rmSync(tmp, { force: true });
      fs.copyFileSync(src, tmp);
      fs.chmodSync(tmp, mode);
      if ((uid ?? 0) !== 0 || (gid ?? 0) !== 0) {
        const owner = `${uid ?? 0}:${gid ?? 0}`;
        if (process.getuid?.() === 0) fs.chownSync(tmp, uid ?? 0, gid ?? 0);
        else await ctx.engine.must(['unshare', 'chown', owner, tmp]);
      }
      fs.renameSync(tmp, f);
      out[`${service}#${i}`] = f;
    }
  }
  return out;
}

/** The project's containers of services no longer in the file, stopped and removed (--remove-orphans). */
export async function removeOrphans(ctx: ComposeContext, timeout?: number): Promise<void> {
  for (const c of orphans(ctx.project, await projectContainers(ctx.engine, ctx.project.name))) await stopRemove(ctx, c, timeout);
}

async function stopRemove(ctx: ComposeContext, c: { id: string; name: string }, timeout: number | undefined, volumes = false): Promise<void> {
  ctx.progress('Container', c.name, 'Stopping');
  // rm -f stops (with the timeout) and removes: one process instead of two.
  await ctx.engine.must(['rm', '-f', ...(volumes ? ['-v'] : []), ...(timeout !== undefined ? ['-t', String(timeout)] : []), c.id]);
  ctx.progress('Container', c.name, 'Stopped');
  ctx.progress('Container', c.name, 'Removing');
  ctx.progress('Container', c.name, 'Removed');
}

/** depends_on conditions of one service, against the containers started so far. */
async function waitForDependencies(ctx: ComposeContext, service: string): Promise<void> {
  const p = ctx.project;
  for (const [dep, d] of Object.entries(p.services[service]!.depends_on ?? {})) {
    if (!(dep in p.services) || d.condition === 'service_started') continue;
    if (ctx.dryRun) {
      // Nothing runs: the plan says what it would wait for.
      for (let n = 1; n <= replicas(p, dep); n++) {
        const name = nameOf({ project: p, service: dep, number: n });
        ctx.progress('Container', name, 'Waiting');
        ctx.progress('Container', name, d.condition === 'service_healthy' ? 'Healthy' : 'Exited');
      }
      continue;
    }
    const containers = (await projectContainers(ctx.engine, p.name)).filter((c) => c.service === dep && !c.oneoff);
    for (const c of containers) {
      if (d.condition === 'service_healthy') {
        ctx.progress('Container', c.name, 'Waiting');
        await waitHealthy(ctx.engine, c.id, c.name);
        ctx.progress('Container', c.name, 'Healthy');
      } else if (d.condition === 'service_completed_successfully') {
        ctx.progress('Container', c.name, 'Waiting');
        const code = Number((await ctx.engine.must(['wait', c.id])).trim());
        if (code !== 0) throw new ComposeError(`service "${dep}" didn't complete successfully: exit ${code}`);
        ctx.progress('Container', c.name, 'Exited');
      }
    }
  }
}

/** The plan options of one service: --force-recreate is for the named services, their dependencies follow --always-recreate-deps (docker compose). */
function planOptions(o: UpOptions, service: string, hashes: Record<string, string>, imageIds: Record<string, string>): PlanOptions {
  const isDependency = o.services.length > 0 && !o.services.includes(service);
  return { forceRecreate: isDependency ? o.alwaysRecreateDeps === true : o.forceRecreate, noRecreate: o.noRecreate, scale: o.scale, hashes, imageIds };
}

/**
 * Before anything is recreated: a service whose first container is made
 * anew (recreated, created, removed) takes its followers with it (their
 * `container:` is the old one, dependents.ts): they are removed now,
 * dependents first, and made again after it, even when up did not name
 * them (docker compose recreates them, their resolved hash changes). One
 * that is only started again has its running followers stopped first and
 * started after it (they join its new namespaces). Gives the containers
 * that stay and the services to add to the selection.
 */
async function makeWayForRenewed(ctx: ComposeContext, full: Project, p: Project, existing: ProjectContainer[], o: UpOptions, hashes: Record<string, string>, imageIds: Record<string, string>): Promise<{ existing: ProjectContainer[]; added: string[] }> {
  const renewed = new Set<string>();
  const restarted = new Set<string>();
  for (const service of Object.keys(p.services)) {
    for (const a of planService(p, service, existing, planOptions(o, service, hashes, imageIds))) {
      const first = a.kind === 'remove' ? a.existing.number === 1 : a.number === 1;
      if (!first) continue;
      if (a.kind === 'recreate' || a.kind === 'create' || a.kind === 'remove') renewed.add(service);
      else if (a.kind === 'start') restarted.add(service);
    }
  }
  // Each on its own: a renewed service may follow another renewed one.
  const gone = new Set([...renewed].flatMap((s) => dependentsOf(full, [s], 'references')));
  const paused = new Set([...restarted].flatMap((s) => dependentsOf(full, [s], 'namespaces')).filter((s) => !gone.has(s)));
  const followers = existing.filter((c) => !c.oneoff && (gone.has(c.service) || (paused.has(c.service) && (c.state === 'running' || c.state === 'paused'))));
  if (!followers.length) return { existing, added: [] };
  const rank = new Map(dependencyLevels(full).flatMap((l, i) => l.map((s) => [s, i] as const)));
  for (const c of [...followers].sort((a, b) => (rank.get(b.service) ?? 0) - (rank.get(a.service) ?? 0))) {
    if (gone.has(c.service)) await stopRemove(ctx, c, o.timeout);
    else {
      ctx.progress('Container', c.name, 'Stopping');
      await ctx.engine.must(['stop', ...(o.timeout !== undefined ? ['-t', String(o.timeout)] : []), c.id]);
      ctx.progress('Container', c.name, 'Stopped');
    }
  }
  const left = existing.filter((c) => !gone.has(c.service) || c.oneoff).map((c) => (followers.includes(c) ? { ...c, state: 'exited' } : c));
  return { existing: left, added: [...new Set(followers.map((c) => c.service))].filter((s) => !(s in p.services)) };
}

export async function up(ctx: ComposeContext, o: UpOptions): Promise<ProjectContainer[]> {
  const full = ctx.project;
  let p = selected(full, o.services, o.noDeps);
  let sub: ComposeContext = { ...ctx, project: p };
  preflight(p);
  for (const s of Object.keys(o.scale ?? {})) if (!(s in p.services)) throw new ComposeError(`no such service: ${s}`);
  // What exists is read while the images are checked; images first (a failed pull or build creates nothing), then networks and volumes at once.
  const existingP = projectContainers(ctx.engine, p.name);
  existingP.catch(() => undefined);
  const imageIds = await ensureImages(sub, o);
  await Promise.all([ensureNetworks(sub), ensureVolumes(sub)]);
  const secretFiles = await grantFiles(sub, 'secrets', materializeSecrets(sub, 'secrets'));
  const configFiles = await grantFiles(sub, 'configs', materializeSecrets(sub, 'configs'));
  let existing = await existingP;
  const gone = orphans(full, existing);
  if (gone.length) {
    if (o.removeOrphans) for (const c of gone) await stopRemove(ctx, c, o.timeout);
    else ctx.warn(`Found orphan containers ([${gone.map((c) => c.name).join(' ')}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`);
  }
  const hashOf = (s: string) => serviceHash(p.services[s]!);
  let hashes = Object.fromEntries(Object.keys(p.services).map((s) => [s, hashOf(s)]));
  const made = await makeWayForRenewed(ctx, full, p, existing, o, hashes, imageIds);
  existing = made.existing;
  if (made.added.length) {
    // Followers up did not name: made again with their images and networks (already there: their containers ran).
    p = { ...p, services: { ...p.services, ...Object.fromEntries(made.added.map((s) => [s, full.services[s]!])) } };
    sub = { ...ctx, project: p };
    hashes = Object.fromEntries(Object.keys(p.services).map((s) => [s, hashOf(s)]));
  }
  // The services of one level do not depend on each other: they go at once.
  for (const level of dependencyLevels(p)) {
    await Promise.all(
      level.map(async (service) => {
        if (!o.noStart) await waitForDependencies(sub, service);
        const actions = planService(p, service, existing, planOptions(o, service, hashes, imageIds));
        for (const a of actions) await apply(sub, a, hashes[service]!, secretFiles, configFiles, o, imageIds[service]);
      }),
    );
  }
  if (o.noResult) return [];
  return (await projectContainers(ctx.engine, p.name)).filter((c) => c.service in p.services && !c.oneoff);
}

/** target → volume name of the container's volumes that are not the project's named ones. */
async function anonymousVolumes(ctx: ComposeContext, id: string): Promise<Record<string, string>> {
  const named = new Set(Object.values(ctx.project.volumes).map((v) => v.name));
  const mounts = JSON.parse((await ctx.engine.must(['inspect', '--format', '{{json .Mounts}}', id])).trim() || '[]') as Array<{ Type: string; Name?: string; Destination: string }> | null;
  const out: Record<string, string> = {};
  for (const m of mounts ?? []) if (m.Type === 'volume' && m.Name && !named.has(m.Name)) out[m.Destination] = m.Name;
  return out;
}

async function apply(ctx: ComposeContext, a: Action, hash: string, secretFiles: Record<string, string>, configFiles: Record<string, string>, o: UpOptions, imageId: string | undefined): Promise<void> {
  const p = ctx.project;
  // create and start in one `run -d` (one process fewer per container on up's critical path).
  const createStart = async (number: number, inheritVolumes?: Record<string, string>) => {
    const s = p.services[a.service]!;
    if (!ctx.dryRun) for (const dir of bindSourcesToCreate(s)) if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true });
    const name = nameOf({ project: p, service: a.service, number });
    ctx.progress('Container', name, 'Creating');
    const args = createArgs({ project: p, service: a.service, number, hash, image: serviceImage(p, a.service), imageId, secretFiles, configFiles, inheritVolumes });
    if (o.noStart) {
      await ctx.engine.must(['create', ...args]);
      ctx.progress('Container', name, 'Created');
      return;
    }
    await ctx.engine.must(['run', '--detach', ...args]);
    ctx.progress('Container', name, 'Created');
    ctx.progress('Container', name, 'Starting');
    ctx.progress('Container', name, 'Started');
  };
  const start = async (c: { id: string; name: string }) => {
    if (o.noStart) return;
    ctx.progress('Container', c.name, 'Starting');
    await ctx.engine.must(['start', c.id]);
    ctx.progress('Container', c.name, 'Started');
  };
  switch (a.kind) {
    case 'remove':
      await stopRemove(ctx, a.existing, o.timeout);
      return;
    case 'recreate':
      ctx.progress('Container', a.old.name, 'Recreate');
      {
        // docker compose hands the old container's anonymous volumes to the new one (unless -V).
        const kept = o.renewAnonVolumes ? undefined : await anonymousVolumes(ctx, a.old.id);
        await stopRemove(ctx, a.old, o.timeout, o.renewAnonVolumes === true);
        await createStart(a.number, kept);
      }
      return;
    case 'create':
      await createStart(a.number);
      return;
    case 'start':
      await start(a.existing);
      return;
    case 'keep':
      ctx.progress('Container', a.existing.name, 'Running');
      return;
  }
}
