// Missing objects, compared with podman 4.3 run by the same unprivileged
// user: the same stdout (`[]` from an inspect that found nothing), the same
// last stderr line and the same exit code, for every command a script uses
// to probe for or remove something that may not be there.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeStore, emptyStore, runAs, tscRun, type ProcResult, type Sandbox } from '../harness/index.js';

let sb: Sandbox;
let podmanHome: string;

beforeAll(async () => {
  sb = await emptyStore('errors-vs-podman', 'user');
  podmanHome = path.join(sb.home, 'podman');
  await runAs('user', 'mkdir', ['-p', podmanHome]);
});

afterAll(async () => {
  await runAs('user', 'rm', ['-rf', podmanHome]);
  await disposeStore(sb);
});

const podman = (args: readonly string[]) => runAs('user', 'podman', args, { env: { HOME: podmanHome, XDG_RUNTIME_DIR: podmanHome }, input: '', timeoutMs: 60_000 });
// podman's own warning about the host's mount propagation is not part of the answer.
const lastLine = (r: ProcResult) => r.stderr.split('\n').filter((l) => l && !l.includes('is not a shared mount')).pop() ?? '';
const view = (r: ProcResult) => ({ code: r.exitCode, stdout: r.stdout, stderr: lastLine(r) });

const CASES: string[][] = [
  ['inspect', 'nosuch'],
  ['container', 'inspect', 'nosuch'],
  ['image', 'inspect', 'nosuch'],
  ['volume', 'inspect', 'nosuch'],
  ['volume', 'inspect', '--format', '{{.Name}}', 'nosuch'],
  ['network', 'inspect', 'nosuch'],
  ['pod', 'inspect', 'nosuch'],
  ['pod', 'inspect', '--format', '{{.Name}}', 'nosuch'],
  ['secret', 'inspect', 'nosuch'],
  ['rm', 'nosuch'],
  ['rm', '-f', 'nosuch'],
  ['rmi', 'nosuch'],
  ['volume', 'rm', 'nosuch'],
  ['network', 'rm', 'nosuch'],
  ['pod', 'rm', 'nosuch'],
  ['pod', 'rm', '-f', 'nosuch'],
  ['pod', 'rm', '--ignore', 'nosuch'],
  ['secret', 'rm', 'nosuch'],
  ['manifest', 'rm', 'nosuch'],
  ['container', 'exists', 'nosuch'],
  ['image', 'exists', 'nosuch'],
  ['volume', 'exists', 'nosuch'],
  ['network', 'exists', 'nosuch'],
  ['pod', 'exists', 'nosuch'],
  ['stop', 'nosuch'],
  ['kill', 'nosuch'],
  ['start', 'nosuch'],
  ['logs', 'nosuch'],
  ['exec', 'nosuch', 'true'],
  ['port', 'nosuch'],
  ['wait', 'nosuch'],
  ['top', 'nosuch'],
  ['restart', 'nosuch'],
  ['history', 'nosuch'],
  ['tag', 'nosuch', 'x'],
  ['pod', 'stop', 'nosuch'],
  ['volume', 'export', 'nosuch'],
  ['volume', 'import', 'nosuch', '/etc/hostname'],
  ['generate', 'kube', 'nosuch'],
  ['healthcheck', 'run', 'nosuch'],
];

describe('a missing object, beside podman', () => {
  it('same stdout, last stderr line and exit code', async () => {
    const diffs: string[] = [];
    for (const args of CASES) {
      const [ours, theirs] = [view(await tscRun(args, { sandbox: sb, input: '' })), view(await podman(args))];
      theirs.stderr = theirs.stderr.replaceAll('podman', 'tsc-run');
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) diffs.push(`${args.join(' ')}:\n  ours   ${JSON.stringify(ours)}\n  podman ${JSON.stringify(theirs)}`);
    }
    expect(diffs).toEqual([]);
  }, 600_000);
});
