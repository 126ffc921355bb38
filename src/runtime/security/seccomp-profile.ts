// A seccomp profile in podman's JSON format (containers/common, the same as
// Docker's) compiled into the helper's rules file (docs/helper-protocol.md,
// "Seccomp rules file"): the JSON logic (architectures, which rules apply
// for the container's capabilities, arch and kernel, action names, errno
// defaults) lives here, so the C side only maps words to libseccomp. Pure.

import { TscRunError } from '../../errors.js';

export interface SeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: string;
}

export interface SeccompFilter {
  caps?: string[];
  arches?: string[];
  minKernel?: string;
}

export interface SeccompSyscall {
  names?: string[];
  /** Old single-name form. */
  name?: string;
  action: string;
  errnoRet?: number;
  args?: SeccompArg[] | null;
  comment?: string;
  includes?: SeccompFilter;
  excludes?: SeccompFilter;
}

export interface SeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  /** Old form: every architecture listed is added. */
  architectures?: string[];
  archMap?: Array<{ architecture: string; subArchitectures?: string[] | null }> | null;
  syscalls?: SeccompSyscall[] | null;
}

export interface CompileContext {
  /** The container's bounding set (CAP_* names): includes/excludes.caps are checked against it, as podman does. */
  capabilities: readonly string[];
  /** Go's name for the machine (amd64, arm64, ...): includes/excludes.arches. */
  goArch: string;
  /** Kernel release (`6.1.0-18-amd64`): includes/excludes.minKernel. */
  kernelRelease: string;
}

const EPERM = 1;

/** libseccomp's SCMP_ARCH_* for each Go architecture. */
const NATIVE_SCMP_ARCH: Readonly<Record<string, string>> = {
  amd64: 'SCMP_ARCH_X86_64',
  '386': 'SCMP_ARCH_X86',
  arm64: 'SCMP_ARCH_AARCH64',
  arm: 'SCMP_ARCH_ARM',
  ppc64le: 'SCMP_ARCH_PPC64LE',
  ppc64: 'SCMP_ARCH_PPC64',
  s390x: 'SCMP_ARCH_S390X',
  riscv64: 'SCMP_ARCH_RISCV64',
  mips64: 'SCMP_ARCH_MIPS64',
  mips64le: 'SCMP_ARCH_MIPSEL64',
};

/** Node's process.arch → Go's GOARCH. */
export function goArchOf(nodeArch: string): string {
  const map: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', mips: 'mips', mipsel: 'mipsle' };
  return map[nodeArch] ?? nodeArch;
}

const OPS: Readonly<Record<string, string>> = {
  SCMP_CMP_NE: 'ne',
  SCMP_CMP_LT: 'lt',
  SCMP_CMP_LE: 'le',
  SCMP_CMP_EQ: 'eq',
  SCMP_CMP_GE: 'ge',
  SCMP_CMP_GT: 'gt',
  SCMP_CMP_MASKED_EQ: 'masked_eq',
};

export class SeccompProfileError extends TscRunError {}

function action(name: string, errnoRet: number | undefined, fallbackErrno: number): string {
  switch (name) {
    case 'SCMP_ACT_ALLOW':
      return 'allow';
    case 'SCMP_ACT_ERRNO':
      return `errno:${errnoRet ?? fallbackErrno}`;
    case 'SCMP_ACT_KILL':
    case 'SCMP_ACT_KILL_THREAD':
      return 'kill-thread';
    case 'SCMP_ACT_KILL_PROCESS':
      return 'kill-process';
    case 'SCMP_ACT_TRAP':
      return 'trap';
    case 'SCMP_ACT_LOG':
      return 'log';
    default:
      throw new SeccompProfileError(`unsupported seccomp action ${JSON.stringify(name)}`);
  }
}

/** `6.1.0-18-amd64` ≥ `4.8`? Compares the numeric dotted prefix. */
export function kernelAtLeast(release: string, min: string): boolean {
  const nums = (s: string) => (s.match(/^\d+(\.\d+)*/)?.[0] ?? '0').split('.').map(Number);
  const a = nums(release);
  const b = nums(min);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/** Whether a rule applies to this container, by podman's includes/excludes rules. */
function applies(call: SeccompSyscall, ctx: CompileContext): boolean {
  const inc = call.includes ?? {};
  const exc = call.excludes ?? {};
  if (inc.arches?.length && !inc.arches.includes(ctx.goArch)) return false;
  if (inc.caps?.length && !inc.caps.every((c) => ctx.capabilities.includes(c))) return false;
  if (inc.minKernel && !kernelAtLeast(ctx.kernelRelease, inc.minKernel)) return false;
  if (exc.arches?.length && exc.arches.includes(ctx.goArch)) return false;
  if (exc.caps?.length && exc.caps.some((c) => ctx.capabilities.includes(c))) return false;
  if (exc.minKernel && kernelAtLeast(ctx.kernelRelease, exc.minKernel)) return false;
  return true;
}

function argWord(a: SeccompArg): string {
  const op = OPS[a.op];
  if (op === undefined) throw new SeccompProfileError(`unsupported seccomp operator ${JSON.stringify(a.op)}`);
  const ok = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0;
  if (!ok(a.index) || a.index > 5 || !ok(a.value) || (a.valueTwo !== undefined && !ok(a.valueTwo))) {
    throw new SeccompProfileError(`invalid seccomp argument ${JSON.stringify(a)}`);
  }
  return `${a.index}:${op}:${BigInt(a.value)}:${BigInt(a.valueTwo ?? 0)}`;
}

/** `SCMP_ARCH_X86_64` → libseccomp's `x86_64`. */
function archWord(scmp: string): string {
  if (!/^SCMP_ARCH_[A-Z0-9_]+$/.test(scmp)) throw new SeccompProfileError(`invalid seccomp architecture ${JSON.stringify(scmp)}`);
  return scmp.slice('SCMP_ARCH_'.length).toLowerCase();
}

const NAME_RE = /^[a-z0-9_]+$/;

/** The rules file for `profile` as this container sees it. */
export function compileSeccompProfile(profile: SeccompProfile, ctx: CompileContext): string {
  const def = action(profile.defaultAction, profile.defaultErrnoRet, EPERM);
  const lines = [`default ${def}`];

  const native = NATIVE_SCMP_ARCH[ctx.goArch];
  const arches = new Set<string>();
  if (profile.archMap?.length) {
    const entry = profile.archMap.find((m) => m.architecture === native);
    for (const a of entry ? [entry.architecture, ...(entry.subArchitectures ?? [])] : []) arches.add(a);
  } else {
    for (const a of profile.architectures ?? []) arches.add(a);
  }
  if (native !== undefined) arches.delete(native);
  for (const a of arches) lines.push(`arch ${archWord(a)}`);

  for (const call of profile.syscalls ?? []) {
    if (!applies(call, ctx)) continue;
    const act = action(call.action, call.errnoRet, EPERM);
    // libseccomp refuses rules whose action is the default one: they change nothing.
    if (act === def) continue;
    const names = [...(call.names ?? []), ...(call.name ? [call.name] : [])];
    const args = (call.args ?? []).map((a) => ({ index: a.index, word: argWord(a) }));
    // Like runc: several conditions on one argument cannot be ANDed by
    // libseccomp; they become one rule each (ORed).
    const repeated = new Set(args.map((a) => a.index)).size !== args.length;
    const groups = repeated ? args.map((a) => [a.word]) : [args.map((a) => a.word)];
    for (const name of names) {
      if (!NAME_RE.test(name)) throw new SeccompProfileError(`invalid syscall name ${JSON.stringify(name)}`);
      for (const g of groups) lines.push(['rule', act, name, ...g].join(' '));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Parse profile JSON text; podman's message when it is not valid. */
export function parseSeccompProfile(text: string, source: string): SeccompProfile {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new SeccompProfileError(`decoding seccomp profile failed (${source}): ${(err as Error).message}`);
  }
  const p = v as Partial<SeccompProfile> | null;
  if (!p || typeof p !== 'object' || typeof p.defaultAction !== 'string') {
    throw new SeccompProfileError(`decoding seccomp profile failed (${source}): no defaultAction`);
  }
  if (p.syscalls != null && !Array.isArray(p.syscalls)) throw new SeccompProfileError(`decoding seccomp profile failed (${source}): syscalls is not a list`);
  for (const s of p.syscalls ?? []) {
    if (!s || typeof s.action !== 'string') throw new SeccompProfileError(`decoding seccomp profile failed (${source}): a syscall rule has no action`);
  }
  return p as SeccompProfile;
}
