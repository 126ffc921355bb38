// The pod flag sweep (podman 4.3 side by side, with --infra-image so its
// checks run): pod create without an infra refuses in podman's words and
// order, --dns is checked, --label-file's error is podman's; pod inspect
// with no name; --no-hosts of pod create and kube play is a flag. Error paths only: nothing runs. As the test user.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busyboxStore, disposeStore, tscRun, type BusyboxStore } from '../harness/index.js';

let sb: BusyboxStore;
const run = (args: string[]) => tscRun(args, { sandbox: sb });

beforeAll(async () => {
  sb = await busyboxStore('pod-flag-sweep');
});
afterAll(() => disposeStore(sb));

describe('pod flags as podman 4.3 answers them', () => {
  it('refusals in podman\'s words', async () => {
    const cases: Array<[string[], string]> = [
      [['pod', 'create', '--infra=false', '--share', 'net'], 'cannot set share(net) namespaces without an infra container'],
      [['pod', 'create', '--infra=false', '-p', '80:80'], 'you must have an infra container to publish port bindings to the host'],
      [['pod', 'create', '--infra=false', '--infra-name', 'x'], 'cannot set infra-name without an infra container'],
      [['pod', 'create', '--infra=false', '--no-hosts'], 'cannot specify --no-hosts without an infra container'],
      [['pod', 'create', '--dns', 'notanip'], 'notanip is not an ip address'],
      [['pod', 'create', '--label-file', '/nonexistent'], 'unable to process labels: open /nonexistent: no such file or directory'],
      [['pod', 'inspect'], 'no names or ids specified'],
    ];
    for (const [args, msg] of cases) expect(await run(args), args.join(' ')).toMatchObject({ exitCode: 125, stderr: `Error: ${msg}\n`, stdout: '' });
    expect((await run(['pod', 'ps', '-q'])).stdout).toBe('');
  });

  it('--infra=false --share none is a pod without shared namespaces, as podman', async () => {
    const r = await run(['pod', 'create', '--infra=false', '--share', 'none', '--name', 'bare']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect((await run(['pod', 'inspect', '--format', '{{.NumContainers}} {{.SharedNamespaces}}', 'bare'])).stdout.trim()).toBe('0 []');
    const labels = path.join(sb.dir, 'labels');
    fs.writeFileSync(labels, 'a=1\n');
    sb.chown(labels);
    expect((await run(['pod', 'create', '--label-file', labels, '--name', 'lab'])).exitCode).toBe(0);
    expect((await run(['pod', 'inspect', '--format', '{{.Labels}}', 'lab'])).stdout.trim()).toBe('map[a:1]');
    // --no-hosts is podman's flag (yargs would read it as the negation of an unknown --hosts).
    expect(await run(['pod', 'create', '--no-hosts', '--name', 'nh'])).toMatchObject({ exitCode: 0 });
    expect((await run(['kube', 'play', '--no-hosts', '/nonexistent.yaml'])).stderr).not.toContain('unknown flag');
    await run(['pod', 'rm', 'bare', 'lab', 'nh']);
  });
});
