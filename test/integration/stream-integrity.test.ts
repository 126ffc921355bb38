// Binary streams through every stdin path without a terminal: run -i,
// exec -i, start -ai and attach carry several MB of random bytes (with the
// default detach keys ctrl-p ctrl-q planted in them) in and back out, byte
// for byte, checked by sha256 on both ends. Detach keys belong to a
// terminal only (podman): on a pipe they must never cut the stream.

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, isRoot, sharedUserDir, tscRunOk, type As, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, cliArgv, disposeSandbox } from './run-util.js';

const SIZE = 6 * 1024 * 1024;

/** Random bytes with ctrl-p ctrl-q (and a lone ctrl-p before the end) planted all through. */
function payload(): Buffer {
  const b = crypto.randomBytes(SIZE);
  for (let at = 1000; at < SIZE - 2; at += 65_521) b.set([0x10, 0x11], at);
  b[SIZE - 1] = 0x10;
  return b;
}

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

interface Piped {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** The CLI as the sandbox's owner, `input` on a pipe as its stdin, stdout kept as bytes. */
function pipeThrough(sb: Sandbox, args: readonly string[], input: Buffer, timeoutMs = 90_000): Promise<Piped> {
  const o = sb.owner;
  const env = cleanEnv(o, { HOME: sb.home, XDG_RUNTIME_DIR: sb.xdgRuntime, XDG_CACHE_HOME: sharedUserDir('cache', o.uid, o.gid) });
  const argv = cliArgv(sb, args);
  const child =
    o.uid !== process.getuid!()
      ? spawn('setpriv', [`--reuid=${o.uid}`, `--regid=${o.gid}`, '--init-groups', '--', ...argv], { env, cwd: sb.dir, detached: true })
      : spawn(argv[0]!, argv.slice(1), { env, cwd: sb.dir, detached: true });
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  child.stdin.on('error', () => {});
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone meanwhile */
      }
      reject(new Error(`tsc-run ${args.join(' ')} timed out; ${Buffer.concat(out).length} bytes out; stderr: ${err}`));
    }, timeoutMs);
    child.on('error', (e) => (clearTimeout(timer), reject(e)));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: err });
    });
  });
}

function suite(as: As, full: boolean) {
  let sb: Sandbox;
  let data: Buffer;
  let digest: string;
  const ok = (args: string[]) => tscRunOk(args, { sandbox: sb });

  beforeAll(async () => {
    sb = await busyboxSandbox(`streams-${as}`, as);
    data = payload();
    digest = sha(data);
  });
  afterAll(() => disposeSandbox(sb));

  /** The command got every byte (its own sha256 on stderr) and gave every byte back (ours of its stdout). */
  function expectIntact(r: Piped, what: string) {
    expect({ code: r.code, stderr: r.stderr }, what).toEqual({ code: 0, stderr: `${digest}  -\n` });
    expect(r.stdout.length, what).toBe(SIZE);
    expect(sha(r.stdout), what).toBe(digest);
  }
  // The container's side: tee to stdout, checksum of what it read to stderr.
  const echoAndSum = ['sh', '-c', 'tee /tmp/in | cat; sha256sum < /tmp/in | sed "s/ .*/  -/" >&2'];

  it('run -i', async () => {
    expectIntact(await pipeThrough(sb, ['run', '--rm', '-i', 'bb', ...echoAndSum], data), 'run -i');
  });

  it.runIf(full)('exec -i into a running container', async () => {
    await ok(['run', '-d', '--name', 'ex', 'bb', 'sleep', '1000']);
    expectIntact(await pipeThrough(sb, ['exec', '-i', 'ex', ...echoAndSum], data), 'exec -i');
    // The container is still there and nothing was left waiting on input.
    expect((await ok(['exec', 'ex', 'sh', '-c', 'wc -c < /tmp/in'])).stdout.trim()).toBe(String(SIZE));
    await ok(['rm', '-f', '-t', '0', 'ex']);
  });

  it.runIf(full)('start -ai of a created container', async () => {
    await ok(['create', '-i', '--name', 'st', 'bb', ...echoAndSum]);
    expectIntact(await pipeThrough(sb, ['start', '-ai', 'st'], data), 'start -ai');
    await ok(['rm', 'st']);
  });

  it.runIf(full)('attach to a detached -i container', async () => {
    // Its only input comes through the attach, so it writes nothing before we are connected.
    await ok(['run', '-d', '-i', '--name', 'at', 'bb', ...echoAndSum]);
    const attached = pipeThrough(sb, ['attach', 'at'], data);
    expectIntact(await attached, 'attach');
    await ok(['rm', 'at']);
  });
}

describe('binary stdin streams without a terminal (rootless)', () => suite('user', true));
describe.runIf(isRoot())('binary stdin streams without a terminal (root)', () => suite('root', false));
