// The candidates for a classified word (src/cli/completion/plan.ts), read
// from the user's stores: container, pod, image, network, volume and secret
// names, registries, flag values, and paths inside an image or container.
// Nothing here may fail loudly: a shell is waiting, so a store that cannot
// be read gives no candidates (and a `[Debug]` line, as podman does).

import type { Roots } from '../../config/paths.js';
import { LOG_LEVELS } from '../../format/log.js';
import type { CommandInfo, OptionInfo } from '../help/command-info.js';
import { Directive } from './directive.js';
import { formatCandidates } from './format-complete.js';
import { argKinds, flagCandidates, type ArgKind, type CompletionTarget } from './plan.js';
import { listRootPaths, type PathLayers } from './rootfs-paths.js';

export interface Candidate {
  value: string;
  describe?: string;
}

export interface Completion {
  candidates: Candidate[];
  directive: number;
  /** `[Debug] ...` lines printed before the candidates. */
  debug: string[];
}

const startsWith = (toComplete: string) => (c: Candidate) => c.value.startsWith(toComplete);

/** Which containers a command offers: podman narrows them by state for the commands that need one. */
function containerStates(node: CommandInfo): ReadonlySet<string> | undefined {
  const word = node.name;
  if (['attach', 'exec', 'kill', 'pause', 'stop', 'top', 'checkpoint'].includes(word)) return new Set(['running']);
  if (word === 'unpause') return new Set(['paused']);
  if (word === 'start') return new Set(['created', 'exited', 'stopped']);
  return undefined;
}

async function containers(roots: Roots, states: ReadonlySet<string> | undefined, toComplete: string): Promise<Candidate[]> {
  const { ContainerStore } = await import('../../storage/containers.js');
  const { liveRecord } = await import('../../runtime/container/container-observe.js');
  const out: Candidate[] = [];
  for (const rec of await new ContainerStore(roots.dataRoot).list()) {
    const live = liveRecord(roots.runRoot, rec);
    if (states && !states.has(live.state.status)) continue;
    if (rec.name.startsWith(toComplete)) out.push({ value: rec.name, describe: rec.imageName });
    // IDs only once two characters are typed, as podman: otherwise every ID crowds the names out.
    if (toComplete.length > 1 && rec.id.startsWith(toComplete)) out.push({ value: rec.id.slice(0, 12), describe: rec.name });
  }
  return out;
}

async function pods(roots: Roots, toComplete: string): Promise<Candidate[]> {
  const { PodStore } = await import('../../pod/pod-store.js');
  const out: Candidate[] = [];
  for (const p of new PodStore(roots.dataRoot).list()) {
    if (p.name.startsWith(toComplete)) out.push({ value: p.name });
    if (toComplete.length > 1 && p.id.startsWith(toComplete)) out.push({ value: p.id.slice(0, 12), describe: p.name });
  }
  return out;
}

/**
 * Image names: with nothing typed, each full name (`localhost/app:1`); once
 * something is typed, also every shorter form a user may type (`app:1`,
 * `app`), and the ID after two characters.
 */
export function imageCandidates(images: ReadonlyArray<{ id: string; names: readonly string[] }>, toComplete: string): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  const add = (value: string, describe?: string) => {
    if (!value.startsWith(toComplete) || seen.has(value)) return;
    seen.add(value);
    out.push(describe === undefined ? { value } : { value, describe });
  };
  for (const img of images) {
    if (toComplete.length > 1 && img.id.startsWith(toComplete)) add(img.id.slice(0, 12));
    for (const name of img.names) {
      if (toComplete === '') {
        add(name);
        continue;
      }
      const parts = name.split('/');
      for (let i = 0; i < parts.length; i++) {
        const tail = parts.slice(i).join('/');
        add(tail);
        const colon = tail.lastIndexOf(':');
        if (colon > 0 && !tail.slice(colon).includes('/')) add(tail.slice(0, colon));
      }
    }
  }
  return out;
}

async function images(roots: Roots, toComplete: string): Promise<Candidate[]> {
  const { ImageStore } = await import('../../storage/images.js');
  return imageCandidates(await new ImageStore(roots.dataRoot).list(), toComplete);
}

async function networks(roots: Roots, toComplete: string): Promise<Candidate[]> {
  const { NetworkStore } = await import('../../network/config/network-store.js');
  return (await new NetworkStore(roots.dataRoot).list()).map((n) => ({ value: n.name, describe: n.driver })).filter(startsWith(toComplete));
}

async function volumes(roots: Roots, toComplete: string): Promise<Candidate[]> {
  const { VolumeStore } = await import('../../volume/volume-store.js');
  return (await new VolumeStore(roots.dataRoot).list()).map((v) => ({ value: v.name })).filter(startsWith(toComplete));
}

async function secrets(roots: Roots, toComplete: string): Promise<Candidate[]> {
  const { SecretStore } = await import('../../secret/secret-store.js');
  return (await new SecretStore(roots.dataRoot).list()).map((s) => ({ value: s.Spec.Name })).filter(startsWith(toComplete));
}

async function registries(toComplete: string): Promise<Candidate[]> {
  const { loadRegistriesConf } = await import('../../image/registry/registries-conf.js');
  return loadRegistriesConf().search.map((r) => ({ value: r })).filter(startsWith(toComplete));
}

/** The services of the compose project the typed `compose -f/-p/--project-directory/--env-file/--profile` (or the working directory) names. */
async function services(values: ReadonlyMap<string, readonly string[]>, toComplete: string): Promise<Candidate[]> {
  const { loadProject } = await import('../../compose/load.js');
  const last = (k: string) => values.get(k)?.at(-1);
  const project = loadProject({
    cwd: process.cwd(),
    env: process.env,
    ...(values.get('file') ? { files: values.get('file')!.filter((f) => f !== '-') } : {}),
    ...(last('project-name') !== undefined ? { projectName: last('project-name')! } : {}),
    ...(last('project-directory') !== undefined ? { projectDirectory: last('project-directory')! } : {}),
    ...(values.get('env-file') ? { envFiles: values.get('env-file')! } : {}),
    ...(values.get('profile') ? { profiles: values.get('profile')! } : {}),
  });
  return Object.keys(project.services)
    .sort()
    .filter((n) => n.startsWith(toComplete))
    .map((value) => ({ value }));
}

/** The layers (top first) a path inside an image is read from. */
async function imageLayers(roots: Roots, ref: string): Promise<PathLayers> {
  const { ImageStore } = await import('../../storage/images.js');
  const { LayerStore } = await import('../../storage/layers/layer-store.js');
  const { helperTreeOps } = await import('../../host/helper/tree-ops.js');
  const img = await new ImageStore(roots.dataRoot).lookup(ref);
  const layers = new LayerStore(roots.dataRoot, helperTreeOps());
  return { dirs: [...img.layers].reverse().map((l) => layers.diffDir(l)) };
}

/** A running container is read through its own root (/proc/PID/root); a stopped one from its upper dir over its image's layers. */
async function containerLayers(roots: Roots, nameOrId: string): Promise<PathLayers> {
  const { ContainerStore } = await import('../../storage/containers.js');
  const { liveRecord, readProcessRecord } = await import('../../runtime/container/container-observe.js');
  const { LayerStore } = await import('../../storage/layers/layer-store.js');
  const { helperTreeOps } = await import('../../host/helper/tree-ops.js');
  const store = new ContainerStore(roots.dataRoot);
  const rec = await store.lookup(nameOrId);
  const live = liveRecord(roots.runRoot, rec);
  if (live.state.status === 'running' || live.state.status === 'paused') {
    const pid = readProcessRecord(roots.runRoot, rec.id)?.pid ?? live.state.pid;
    if (pid !== undefined) return { dirs: [`/proc/${pid}/root`] };
  }
  if (rec.config.rootfs && !rec.config.rootfsOverlay) return { dirs: [rec.config.rootfs] };
  if (rec.storage?.driver === 'vfs') return { dirs: [store.rootfsDir(rec.id)] };
  const layers = new LayerStore(roots.dataRoot, helperTreeOps());
  return { dirs: [store.upperDir(rec.id), ...(rec.config.rootfs ? [rec.config.rootfs] : []), ...[...rec.layers].reverse().map((l) => layers.diffDir(l))] };
}

/** `cp`: `NAME:` for each container, or paths inside the one named before the colon. */
async function containerPaths(roots: Roots, node: CommandInfo, toComplete: string): Promise<Completion> {
  const colon = toComplete.indexOf(':');
  if (colon < 0) {
    const names = await containers(roots, containerStates(node), toComplete);
    return { candidates: names.map((c) => ({ ...c, value: `${c.value}:` })), directive: Directive.NoSpace, debug: [] };
  }
  const name = toComplete.slice(0, colon);
  const paths = await listRootPaths(await containerLayers(roots, name), toComplete.slice(colon + 1));
  return { candidates: paths.map((p) => ({ value: `${name}:${p}` })), directive: Directive.NoSpace, debug: [] };
}

async function argCandidates(roots: Roots, target: Extract<CompletionTarget, { kind: 'arg' }>): Promise<Completion> {
  const { node, toComplete } = target;
  // `{bash|zsh|fish}`: the words themselves.
  const choice = /^\{([a-z0-9|-]+)\}$/.exec(target.token ?? '');
  if (choice) return { candidates: choice[1]!.split('|').filter((w) => w.startsWith(toComplete)).map((value) => ({ value })), directive: Directive.NoFileComp, debug: [] };
  const kinds = argKinds(target.token, node, target.index, target.args);
  if (kinds.includes('container-path')) return containerPaths(roots, node, toComplete);
  if (kinds.includes('image-path')) {
    const paths = await listRootPaths(await imageLayers(roots, target.args[target.index - 1]!), toComplete);
    return { candidates: paths.map((p) => ({ value: p })), directive: Directive.NoSpace | Directive.NoFileComp, debug: [] };
  }
  // compose cp SERVICE:SRC_PATH DEST_PATH: either side may be `service:path` or a host path.
  if (node.name === 'cp' && (kinds.includes('files') || /SERVICE:/.test(target.token ?? ''))) return { candidates: [], directive: Directive.NoSpace, debug: [] };
  if (kinds.includes('files') || (kinds.length === 0 && target.token !== undefined && /\.\.\./.test(target.token) && /ARG/.test(target.token))) {
    return { candidates: [], directive: Directive.Default, debug: [] };
  }
  const sources: Record<Exclude<ArgKind, 'container-path' | 'image-path' | 'files'>, () => Promise<Candidate[]>> = {
    service: () => services(target.flagValues, toComplete),
    container: () => containers(roots, containerStates(node), toComplete),
    pod: () => pods(roots, toComplete),
    image: () => images(roots, toComplete),
    network: () => networks(roots, toComplete),
    volume: () => volumes(roots, toComplete),
    secret: () => secrets(roots, toComplete),
    registry: () => registries(toComplete),
  };
  const candidates: Candidate[] = [];
  for (const k of kinds) {
    if (k === 'container-path' || k === 'image-path' || k === 'files') continue;
    candidates.push(...(await sources[k]()));
  }
  return { candidates, directive: Directive.NoFileComp, debug: [] };
}

/** Flags whose value is a host path: the shell completes files. */
const FILE_FLAGS = /file$|dir$|^(authfile|cidfile|pidfile|iidfile|root|runroot|tmpdir|volumepath|cert-dir|output|rootfs|seccomp-profile|env-file|label-file|ignorefile|project-directory|network-cmd-path|init-path|conmon|digestfile|hooks-dir|decryption-key|sign-by-sigstore-private-key|signature-policy|workdir-of-context)$/;

const NETWORK_MODES = ['bridge', 'container:', 'host', 'none', 'ns:', 'pasta', 'private', 'slirp4netns', 'slirp4netns:'];

async function flagValueCandidates(roots: Roots, node: CommandInfo, flag: OptionInfo, toComplete: string): Promise<Completion> {
  const words = (list: readonly string[], directive: number = Directive.NoFileComp): Completion => ({
    candidates: list.filter((w) => w.startsWith(toComplete)).map((value) => ({ value })),
    directive,
    debug: [],
  });
  switch (flag.name) {
    case 'format': {
      const f = formatCandidates(node.path.split(' ').slice(1).join(' '), toComplete);
      return { candidates: f.values.map((value) => ({ value })), directive: f.noSpace ? Directive.NoSpace | Directive.NoFileComp : Directive.NoFileComp, debug: [] };
    }
    case 'log-level':
      return words(LOG_LEVELS);
    case 'pull':
      return words(['always', 'missing', 'never', 'newer']);
    case 'restart':
      return words(['always', 'no', 'on-failure', 'unless-stopped']);
    case 'network':
    case 'net': {
      const names = (await networks(roots, toComplete)).map((c) => c.value);
      return words([...names, ...NETWORK_MODES], Directive.NoSpace | Directive.NoFileComp);
    }
    case 'pod': {
      const names = (await pods(roots, toComplete)).map((c) => c.value);
      return words([...names, 'new:'], Directive.NoSpace | Directive.NoFileComp);
    }
    case 'volume':
      // A named volume, or a host path to bind: both are offered.
      return { candidates: (await volumes(roots, toComplete)).map((c) => ({ value: `${c.value}:` })), directive: Directive.NoSpace, debug: [] };
    case 'secret':
      return words((await secrets(roots, toComplete)).map((c) => c.value));
    case 'volumes-from':
    case 'requires':
      return words((await containers(roots, undefined, toComplete)).map((c) => c.value));
    case 'userns':
      return words(['auto', 'container:', 'host', 'keep-id', 'nomap', 'ns:', 'private'], Directive.NoSpace | Directive.NoFileComp);
    case 'ipc':
    case 'pid':
    case 'uts':
    case 'cgroupns':
      return words(['container:', 'host', 'ns:', 'private'], Directive.NoSpace | Directive.NoFileComp);
  }
  if (FILE_FLAGS.test(flag.name)) return { candidates: [], directive: Directive.Default, debug: [] };
  return { candidates: [], directive: Directive.NoFileComp, debug: [] };
}

export async function candidatesFor(target: CompletionTarget, roots: Roots): Promise<Completion> {
  try {
    switch (target.kind) {
      case 'subcommands': {
        const names = target.node.subcommands
          .filter((s) => !s.hidden && !s.refused && s.name.startsWith(target.toComplete))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        return { candidates: names.map((s) => ({ value: s.name, describe: s.short })), directive: Directive.NoFileComp, debug: [] };
      }
      case 'flags':
        return { candidates: flagCandidates(target.node, target.toComplete, target.given), directive: Directive.NoFileComp, debug: [] };
      case 'flag-value': {
        const c = await flagValueCandidates(roots, target.node, target.flag, target.toComplete);
        return { ...c, candidates: c.candidates.map((x) => ({ ...x, value: `${target.prefix}${x.value}` })) };
      }
      case 'arg':
        return await argCandidates(roots, target);
    }
  } catch (err) {
    // podman's completions print the error as a debug line and offer nothing.
    const msg = err instanceof Error ? err.message : String(err);
    const fallback = target.kind === 'arg' ? Directive.Default : Directive.NoFileComp;
    return { candidates: [], directive: fallback, debug: [`[Debug] ${msg}`] };
  }
}
