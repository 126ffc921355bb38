// ARG scoping as Docker has it: ARGs before the first FROM are usable in
// FROM lines only, and inside a stage once redeclared with a bare `ARG NAME`;
// `--build-arg` overrides a default; a stage's ARGs are set in its RUN
// steps' environment (not in the image), ENV wins over ARG in substitution;
// the platform args (TARGETPLATFORM, BUILDARCH, ...) are predefined in the
// global scope; proxy args given with --build-arg reach RUN steps without
// a declaration. Pure.

import type { Instruction } from '../containerfile/instructions.js';
import { processWord, type Lookup } from '../containerfile/words.js';

type ArgInstruction = Extract<Instruction, { kind: 'ARG' }>;

export const PROXY_ARGS = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy'];

export interface Platform {
  os: string;
  arch: string;
  variant?: string | undefined;
}

export function platformArgs(target: Platform, build: Platform): Map<string, string> {
  const fmt = (p: Platform) => `${p.os}/${p.arch}${p.variant ? `/${p.variant}` : ''}`;
  return new Map([
    ['TARGETPLATFORM', fmt(target)],
    ['TARGETOS', target.os],
    ['TARGETARCH', target.arch],
    ['TARGETVARIANT', target.variant ?? ''],
    ['BUILDPLATFORM', fmt(build)],
    ['BUILDOS', build.os],
    ['BUILDARCH', build.arch],
    ['BUILDVARIANT', build.variant ?? ''],
  ]);
}

export class BuildArgs {
  /** Global (before FROM) values after overrides. */
  private readonly global = new Map<string, string | undefined>();
  readonly consumed = new Set<string>();

  constructor(
    globalArgs: readonly ArgInstruction[],
    private readonly given: ReadonlyMap<string, string>,
    private readonly predefined: ReadonlyMap<string, string>,
    esc: string,
  ) {
    for (const [k, v] of predefined) this.global.set(k, v);
    for (const ins of globalArgs) {
      for (const a of ins.args) {
        this.consumed.add(a.name);
        const value = given.has(a.name) ? given.get(a.name) : a.value !== undefined ? processWord(a.value, this.globalLookup, esc) : undefined;
        this.global.set(a.name, value);
      }
    }
  }

  /** Lookup for FROM lines. */
  readonly globalLookup: Lookup = (name) => this.global.get(name);

  stage(): StageArgs {
    return new StageArgs(this);
  }

  /** Value of a stage's `ARG name[=default]`; `fallbackDefault` is the expanded default. */
  declared(name: string, expandedDefault: string | undefined, hasDefault: boolean): string | undefined {
    this.consumed.add(name);
    if (this.given.has(name)) return this.given.get(name);
    if (hasDefault) return expandedDefault;
    return this.global.get(name);
  }

  proxyEnv(): string[] {
    return PROXY_ARGS.filter((p) => this.given.has(p)).map((p) => `${p}=${this.given.get(p)}`);
  }

  /** --build-arg names no ARG used (podman warns about them). */
  unconsumed(): string[] {
    return [...this.given.keys()].filter((k) => !this.consumed.has(k) && !PROXY_ARGS.includes(k) && !this.predefined.has(k)).sort();
  }
}

export class StageArgs {
  readonly values = new Map<string, string | undefined>();
  constructor(private readonly all: BuildArgs) {}

  declare(ins: ArgInstruction, lookup: Lookup, esc: string): void {
    for (const a of ins.args) {
      const def = a.value !== undefined ? processWord(a.value, lookup, esc) : undefined;
      this.values.set(a.name, this.all.declared(a.name, def, a.value !== undefined));
    }
  }

  /** The step's substitution lookup: ENV first, then ARG. */
  lookup(env: ReadonlyMap<string, string>): Lookup {
    return (name) => (env.has(name) ? env.get(name) : this.values.get(name));
  }

  /** `K=V` for RUN steps: declared args with a value (ENV of the same name wins), then proxies. */
  runEnv(env: ReadonlyMap<string, string>): string[] {
    const out: string[] = [];
    for (const [k, v] of this.values) if (v !== undefined && !env.has(k)) out.push(`${k}=${v}`);
    for (const kv of this.all.proxyEnv()) if (!this.values.has(kv.slice(0, kv.indexOf('=')))) out.push(kv);
    return out;
  }
}
