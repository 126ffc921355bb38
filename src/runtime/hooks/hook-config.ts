// OCI hook files (oci-hooks(5), containers/common pkg/hooks): the 1.0.0
// schema and the older 0.1.0 one, validated with podman's messages, and the
// `when` rules that pick the hooks a container gets. Pure (the file system
// is asked through `exists`).

export const OCI_STAGES = ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'] as const;
/** podman 4.3 adds precreate (a filter of the OCI config, which we do not have: refused when it matches). */
export const HOOK_STAGES = [...OCI_STAGES, 'precreate'] as const;
export type HookStage = (typeof HOOK_STAGES)[number];

/** runtime-spec's Hook. */
export interface OciHook {
  path: string;
  args?: string[];
  env?: string[];
  timeout?: number;
}

export interface HookWhen {
  always?: boolean;
  annotations?: Record<string, string>;
  commands?: string[];
  hasBindMounts?: boolean;
  /** 0.1.0 files: any one condition is enough. */
  or?: boolean;
}

export interface HookFile {
  hook: OciHook;
  when: HookWhen;
  stages: HookStage[];
}

/** A hook file that cannot be used: its message is podman's. */
export class HookFileError extends Error {}

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown, what: string): string[] | undefined => {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw new HookFileError(`json: cannot unmarshal ${what} into []string`);
  return v as string[];
};
const bool = (v: unknown, what: string): boolean | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new HookFileError(`json: cannot unmarshal ${what} into bool`);
  return v;
};

function regexpOk(p: string): boolean {
  try {
    new RegExp(p);
    return true;
  } catch {
    return false;
  }
}

function readV1(doc: Json): HookFile {
  const h = isObj(doc.hook) ? doc.hook : {};
  const when = isObj(doc.when) ? doc.when : {};
  const hook: OciHook = { path: typeof h.path === 'string' ? h.path : '' };
  const args = strings(h.args, 'hook.args');
  const env = strings(h.env, 'hook.env');
  if (args) hook.args = args;
  if (env) hook.env = env;
  if (h.timeout !== undefined && h.timeout !== null) {
    if (typeof h.timeout !== 'number' || !Number.isInteger(h.timeout)) throw new HookFileError('json: cannot unmarshal hook.timeout into int');
    hook.timeout = h.timeout;
  }
  const w: HookWhen = {};
  const always = bool(when.always, 'when.always');
  const bind = bool(when.hasBindMounts, 'when.hasBindMounts');
  const commands = strings(when.commands, 'when.commands');
  if (always !== undefined) w.always = always;
  if (bind !== undefined) w.hasBindMounts = bind;
  if (commands) w.commands = commands;
  if (when.annotations !== undefined && when.annotations !== null) {
    if (!isObj(when.annotations) || Object.values(when.annotations).some((v) => typeof v !== 'string')) throw new HookFileError('json: cannot unmarshal when.annotations into map[string]string');
    w.annotations = when.annotations as Record<string, string>;
  }
  return { hook, when: w, stages: (strings(doc.stages, 'stages') ?? null) as HookStage[] };
}

function readV0(doc: Json): HookFile {
  if (typeof doc.hook !== 'string') throw new HookFileError('missing required property: hook');
  const pick = (a: string, b: string): string[] | undefined => {
    const x = strings(doc[a], a);
    const y = strings(doc[b], b);
    if (x && y) throw new HookFileError(`cannot set both '${b}' and '${a}'`);
    return x ?? y;
  };
  const stages = pick('stages', 'stage');
  if (!stages) throw new HookFileError('missing required property: stages');
  const cmds = pick('cmds', 'cmd');
  const annotations = pick('annotations', 'annotation');
  const when: HookWhen = { or: true };
  if (cmds) when.commands = cmds;
  const bind = bool(doc.hasbindmounts, 'hasbindmounts');
  if (bind !== undefined) when.hasBindMounts = bind;
  if (annotations) when.annotations = { '.*': annotations.join('|') };
  const hook: OciHook = { path: doc.hook };
  const args = strings(doc.arguments, 'arguments');
  if (args) hook.args = [doc.hook, ...args];
  return { hook, when, stages: stages as HookStage[] };
}

/** A hook file's text → its hook, validated as containers/common's Read + Validate. */
export function parseHookFile(text: string, file: string, exists: (p: string) => boolean): HookFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new HookFileError(`parsing hook ${JSON.stringify(file)}: version check: ${(err as Error).message}`);
  }
  if (!isObj(doc)) throw new HookFileError(`parsing hook ${JSON.stringify(file)}: version check: json: cannot unmarshal into a hook`);
  const version = doc.version === undefined ? '' : doc.version;
  let h: HookFile;
  try {
    if (version === '1.0.0') h = readV1(doc);
    else if (version === '0.1.0' || version === '') h = readV0(doc);
    else throw new HookFileError(`unrecognized hook version: ${JSON.stringify(version)}`);
  } catch (err) {
    const v = version === '1.0.0' || version === '0.1.0' ? `${String(version)}: ` : '';
    throw new HookFileError(`parsing hook ${JSON.stringify(file)}: ${v}${(err as Error).message}`);
  }
  if (h.hook.path === '') throw new HookFileError('missing required property: hook.path');
  if (!exists(h.hook.path)) throw new HookFileError(`stat ${h.hook.path}: no such file or directory`);
  for (const [k, v] of Object.entries(h.when.annotations ?? {})) {
    if (!regexpOk(k)) throw new HookFileError(`invalid annotation key ${JSON.stringify(k)}`);
    if (!regexpOk(v)) throw new HookFileError(`invalid annotation value ${JSON.stringify(v)}`);
  }
  for (const c of h.when.commands ?? []) if (!regexpOk(c)) throw new HookFileError(`invalid command ${JSON.stringify(c)}`);
  if (!h.stages) throw new HookFileError('missing required property: stages');
  for (const s of h.stages) if (!(HOOK_STAGES as readonly string[]).includes(s)) throw new HookFileError(`unknown stage ${JSON.stringify(s)}`);
  return h;
}

/** What `when` looks at. */
export interface HookContext {
  annotations: Readonly<Record<string, string>>;
  /** The process's args[0]. */
  command: string;
  hasBindMounts: boolean;
}

/** containers/common's When.Match (unanchored regular expressions, as Go's MatchString). */
export function hookMatches(w: HookWhen, ctx: HookContext): boolean {
  let matches = 0;
  if (w.always !== undefined) {
    if (w.always) {
      if (w.or) return true;
      matches++;
    } else if (!w.or) return false;
  }
  if (w.hasBindMounts !== undefined) {
    if (w.hasBindMounts && ctx.hasBindMounts) {
      if (w.or) return true;
      matches++;
    } else if (!w.or) return false;
  }
  for (const [kp, vp] of Object.entries(w.annotations ?? {})) {
    const k = new RegExp(kp);
    const v = new RegExp(vp);
    const hit = Object.entries(ctx.annotations).some(([key, value]) => k.test(key) && v.test(value));
    if (hit) {
      if (w.or) return true;
      matches++;
    } else if (!w.or) return false;
  }
  if (w.commands?.length) return w.commands.some((c) => new RegExp(c).test(ctx.command));
  return matches > 0;
}

/** Hooks by stage, from files by name (a later directory's file of the same name replaces an earlier one), in name order. */
export function selectHooks(files: ReadonlyMap<string, HookFile>, ctx: HookContext): Partial<Record<HookStage, OciHook[]>> {
  const out: Partial<Record<HookStage, OciHook[]>> = {};
  const names = [...files.keys()].sort((a, b) => {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  });
  for (const name of names) {
    const f = files.get(name)!;
    if (!hookMatches(f.when, ctx)) continue;
    for (const s of f.stages) (out[s] ??= []).push(f.hook);
  }
  return out;
}
