// The same compose file under Debian's podman-compose 1.0.3 with
// --podman-path pointing at tsc-run (a real client of our CLI: whatever it
// asks of podman must work) and under `tsc-run compose`: the same services,
// the same network and volume names and the com.docker.compose labels that
// tools read; our `compose ps` sees podman-compose's project; both `down`s
// leave nothing behind.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBinary, sharedUserDir } from '../harness/binary.js';
import { tscRunOk } from '../harness/cli.js';
import type { Sandbox } from '../harness/sandbox.js';
import { runAs, userFor } from '../harness/user.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

const PODMAN_COMPOSE = '/usr/bin/podman-compose';
const has = fs.existsSync(PODMAN_COMPOSE);
if (!has) console.warn('compose-interop: podman-compose missing (npm run setup-host installs it), skipping');

let sb: Sandbox;
let wrapper: string;

const FILE = [
  'services:',
  '  web:',
  '    image: bb',
  '    command: ["sh", "-c", "mkdir /w; echo web > /w/i; exec httpd -f -p 80 -h /w"]',
  '    labels: {tier: front}',
  '  client:',
  '    image: bb',
  '    command: ["sleep", "1000"]',
  '    stop_signal: SIGKILL',
  '    depends_on: [web]',
  '  db:',
  '    image: bb',
  '    command: ["sleep", "1000"]',
  '    stop_signal: SIGKILL',
  '    volumes: ["data:/data"]',
  'volumes:',
  '  data: {}',
  '',
].join('\n');

beforeAll(async () => {
  sb = await busyboxSandbox('compose-interop', 'user');
  // podman-compose runs "podman" with no global flags of ours: a wrapper adds the sandbox's stores.
  wrapper = path.join(sb.dir, 'podman');
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec ${cliBinary().bin} --root ${sb.root} --runroot ${sb.runroot} "$@"\n`, { mode: 0o755 });
  sb.chown(wrapper);
  sb.file('ic/compose.yaml', FILE);
}, 120_000);

afterAll(async () => {
  await disposeSandbox(sb);
});

function podmanCompose(args: string[]) {
  const u = userFor('user');
  return runAs('user', PODMAN_COMPOSE, ['--podman-path', wrapper, ...args], {
    cwd: path.join(sb.dir, 'ic'),
    env: { HOME: sb.home, XDG_RUNTIME_DIR: sb.xdgRuntime, XDG_CACHE_HOME: sharedUserDir('cache', u.uid, u.gid) },
    timeoutMs: 120_000,
  });
}

const ours = (args: string[]) => tscRunOk(args, { sandbox: sb, cwd: path.join(sb.dir, 'ic'), timeoutMs: 120_000 });

interface Seen {
  name: string;
  labels: Record<string, string>;
}

async function containers(): Promise<Seen[]> {
  const list = JSON.parse((await ours(['ps', '-a', '--format', 'json'])).stdout) as Array<{ Names: string[]; Labels: Record<string, string> | null }>;
  return list.map((c) => ({ name: c.Names[0]!, labels: c.Labels ?? {} })).sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** What matters to tools: project, service, container number, and the user's labels. */
const essence = (cs: Seen[]) =>
  cs.map((c) => ({
    project: c.labels['com.docker.compose.project'],
    service: c.labels['com.docker.compose.service'],
    number: c.labels['com.docker.compose.container-number'],
    tier: c.labels.tier,
  }));

async function resources(): Promise<{ networks: string[]; volumes: string[] }> {
  const networks = (await ours(['network', 'ls', '--format', '{{.Name}}'])).stdout.split('\n').filter((n) => n && n !== 'podman').sort();
  const volumes = (await ours(['volume', 'ls', '-q'])).stdout.split('\n').filter(Boolean).sort();
  return { networks, volumes };
}

describe.runIf(has)('compose interop with podman-compose', () => {
  it('runs the same file as podman-compose on tsc-run and as tsc-run compose: same services, labels, networks and volumes', async () => {
    const up = await podmanCompose(['up', '-d']);
    expect(up.exitCode, up.stdout + up.stderr).toBe(0);
    const theirs = await containers();
    expect(theirs.map((c) => c.name)).toEqual(['ic_client_1', 'ic_db_1', 'ic_web_1']);
    const theirResources = await resources();
    expect(theirResources).toEqual({ networks: ['ic_default'], volumes: ['ic_data'] });
    // Their containers reach each other by service name on our bridge network, and our compose reads their project.
    expect((await ours(['exec', 'ic_client_1', 'wget', '-qO-', 'http://web/i'])).stdout).toBe('web\n');
    expect((await ours(['compose', 'ps', '--services'])).stdout).toBe('client\ndb\nweb\n');
    const down = await podmanCompose(['down']);
    expect(down.exitCode, down.stdout + down.stderr).toBe(0);
    expect(await containers()).toEqual([]);
    await ours(['volume', 'rm', 'ic_data']);
    await ours(['network', 'rm', '-f', 'ic_default']).catch(() => undefined);

    await ours(['compose', 'up', '-d']);
    const mine = await containers();
    // docker compose v2's names (hyphens) where podman-compose 1.0.3 uses underscores; the labels agree.
    expect(mine.map((c) => c.name)).toEqual(['ic-client-1', 'ic-db-1', 'ic-web-1']);
    expect(essence(mine)).toEqual(essence(theirs));
    expect(await resources()).toEqual(theirResources);
    expect((await ours(['exec', 'ic-client-1', 'wget', '-qO-', 'http://web/i'])).stdout).toBe('web\n');
    await ours(['compose', 'down', '-v', '-t', '0']);
    expect(await containers()).toEqual([]);
    expect(await resources()).toEqual({ networks: [], volumes: [] });
  });
});
