// The instructions that only change the image's config (ENV LABEL EXPOSE
// VOLUME WORKDIR USER STOPSIGNAL MAINTAINER SHELL HEALTHCHECK ONBUILD CMD
// ENTRYPOINT), with Docker's rules: variables substituted where Docker
// substitutes them, ENV replacing a variable in place, successive WORKDIRs
// relative to the last, shell forms wrapped in SHELL, and a new ENTRYPOINT
// dropping an inherited CMD. Pure.

import path from 'node:path';
import { constants } from 'node:os';
import type { CommandForm, Instruction } from '../containerfile/instructions.js';
import { processWord, processWords, type Lookup } from '../containerfile/words.js';
import type { BuildRuntimeConfig } from './build-image.js';

export const DEFAULT_SHELL = ['/bin/sh', '-c'];

export class StepError extends Error {}

function envKey(kv: string): string {
  const i = kv.indexOf('=');
  return i < 0 ? kv : kv.slice(0, i);
}

export function setEnv(env: readonly string[], key: string, value: string): string[] {
  const kv = `${key}=${value}`;
  const at = env.findIndex((e) => envKey(e) === key);
  if (at < 0) return [...env, kv];
  const out = [...env];
  out[at] = kv;
  return out;
}

export function envLookup(env: readonly string[] | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const kv of env ?? []) m.set(envKey(kv), kv.slice(envKey(kv).length + 1));
  return m;
}

/** The argv of a CMD/ENTRYPOINT/RUN/HEALTHCHECK command. */
export function commandArgv(c: CommandForm, shell: readonly string[] | undefined): string[] {
  return 'exec' in c ? [...c.exec] : [...(shell?.length ? shell : DEFAULT_SHELL), c.shell];
}

function signalOk(s: string): boolean {
  if (/^\d+$/.test(s)) return Number(s) >= 1 && Number(s) <= 64;
  const name = s.toUpperCase().replace(/^SIG/, '');
  return /^RTMIN\+\d+$/.test(name) || /^RTMAX-\d+$/.test(name) || `SIG${name}` in constants.signals;
}

/** EXPOSE words → `port/proto` keys (ranges expanded). */
export function exposedPorts(words: readonly string[]): string[] {
  const out: string[] = [];
  for (const w of words) {
    const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(w);
    if (!m) throw new StepError(`invalid containerPort: ${w}`);
    const lo = Number(m[1]);
    const hi = m[2] !== undefined ? Number(m[2]) : lo;
    if (lo < 1 || hi > 65535 || hi < lo) throw new StepError(`invalid port range: ${w}`);
    for (let p = lo; p <= hi; p++) out.push(`${p}/${(m[3] ?? 'tcp').toLowerCase()}`);
  }
  return out;
}

export interface MetaState {
  config: BuildRuntimeConfig;
  author?: string;
  /** CMD was set by this stage (then ENTRYPOINT keeps it). */
  cmdSet: boolean;
}

/** Apply one metadata instruction. Returns the text for the history (`#(nop) ...`). */
export function applyMeta(st: MetaState, ins: Instruction, lookup: Lookup, esc: string): string {
  const c = st.config;
  const word = (t: string) => processWord(t, lookup, esc);
  switch (ins.kind) {
    case 'ENV': {
      const pairs = ins.pairs.map((p) => ({ key: word(p.key), value: word(p.value) }));
      for (const p of pairs) c.Env = setEnv(c.Env ?? [], p.key, p.value);
      return `ENV ${pairs.map((p) => `${p.key}="${p.value}"`).join(' ')}`;
    }
    case 'LABEL': {
      const pairs = ins.pairs.map((p) => ({ key: word(p.key), value: word(p.value) }));
      c.Labels = { ...c.Labels };
      for (const p of pairs) c.Labels[p.key] = p.value;
      return `LABEL ${pairs.map((p) => `${p.key}=${p.value}`).join(' ')}`;
    }
    case 'EXPOSE': {
      const ports = exposedPorts(processWords(ins.ports, lookup, esc));
      c.ExposedPorts = { ...c.ExposedPorts };
      for (const p of ports) c.ExposedPorts[p] = {};
      return `EXPOSE ${ports.join(' ')}`;
    }
    case 'VOLUME': {
      const paths = ins.json ? ins.paths.map(word) : processWords(ins.paths.join(' '), lookup, esc);
      if (paths.some((p) => p === '')) throw new StepError('VOLUME specified can not be an empty string');
      c.Volumes = { ...c.Volumes };
      for (const p of paths) c.Volumes[p] = {};
      return `VOLUME [${paths.map((p) => JSON.stringify(p)).join(',')}]`;
    }
    case 'WORKDIR': {
      const w = word(ins.value);
      c.WorkingDir = path.posix.resolve(c.WorkingDir || '/', w);
      return `WORKDIR ${c.WorkingDir}`;
    }
    case 'USER': {
      const u = word(ins.value);
      if (!u) throw new StepError('USER requires a user name or id');
      c.User = u;
      return `USER ${u}`;
    }
    case 'STOPSIGNAL': {
      const s = word(ins.value);
      if (!signalOk(s)) throw new StepError(`invalid signal: ${s}`);
      c.StopSignal = s;
      return `STOPSIGNAL ${s}`;
    }
    case 'MAINTAINER':
      st.author = ins.value;
      return `MAINTAINER ${ins.value}`;
    case 'SHELL':
      c.Shell = [...ins.shell];
      return `SHELL ${JSON.stringify(ins.shell)}`;
    case 'CMD':
      c.Cmd = commandArgv(ins.command, c.Shell);
      st.cmdSet = true;
      return `CMD ${JSON.stringify(c.Cmd)}`;
    case 'ENTRYPOINT':
      c.Entrypoint = commandArgv(ins.command, c.Shell);
      if (!st.cmdSet) delete c.Cmd;
      return `ENTRYPOINT ${JSON.stringify(c.Entrypoint)}`;
    case 'HEALTHCHECK':
      if (ins.none) {
        c.Healthcheck = { Test: ['NONE'] };
        return 'HEALTHCHECK NONE';
      }
      c.Healthcheck = {
        Test: 'exec' in ins.command ? ['CMD', ...ins.command.exec] : ['CMD-SHELL', ins.command.shell],
        ...(ins.interval !== undefined ? { Interval: ins.interval } : {}),
        ...(ins.timeout !== undefined ? { Timeout: ins.timeout } : {}),
        ...(ins.startPeriod !== undefined ? { StartPeriod: ins.startPeriod } : {}),
        ...(ins.startInterval !== undefined ? { StartInterval: ins.startInterval } : {}),
        ...(ins.retries !== undefined ? { Retries: ins.retries } : {}),
      };
      return `HEALTHCHECK ${JSON.stringify(c.Healthcheck)}`;
    case 'ONBUILD':
      c.OnBuild = [...(c.OnBuild ?? []), ins.text];
      return `ONBUILD ${ins.text}`;
    default:
      throw new StepError(`${ins.kind} is not a metadata instruction`);
  }
}
