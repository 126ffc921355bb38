// docker compose v2.40's flags: run (--cap-add/--cap-drop, -l, --env-from-file,
// --use-aliases, --remove-orphans, -q), kill --remove-orphans, up
// --abort-on-container-failure, images (PLATFORM, CREATED, --format json),
// pull --ignore-buildable/--policy; what cannot act here is refused.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../harness/sandbox.js';
import { tscRunOk } from '../harness/cli.js';
import { busyboxSandbox, composeProjects, disposeSandbox } from './run-util.js';

let sb: Sandbox;
const { projectDir, compose, composeOk } = composeProjects(() => sb);

beforeAll(async () => {
  sb = await busyboxSandbox('compose-v240-flags', 'user');
}, 120_000);

afterAll(async () => {
  await disposeSandbox(sb);
});

const names = async (project: string) =>
  (JSON.parse((await tscRunOk(['ps', '-a', '--filter', `label=com.docker.compose.project=${project}`, '--format', 'json'], { sandbox: sb })).stdout || '[]') as Array<{ Names: string[]; State: string }>)
    .map((c) => `${c.Names[0]} ${c.State}`)
    .sort();

describe('compose v2.40 flags', () => {
  it('run: --cap-add/--cap-drop, -l, --env-from-file, --use-aliases, -q, --remove-orphans', async () => {
    const file = (extra: string) => `services:
  web:
    image: bb
    command: ["sleep", "1000"]
    networks:
      default:
        aliases: [www]
${extra}`;
    const dir = projectDir('rf', { 'compose.yaml': file('  old:\n    image: bb\n    command: ["sleep", "1000"]\n'), 'vars.env': 'FROM_FILE=yes\n' });
    await composeOk(dir, ['up', '-d', 'old']);
    sb.file('rf/compose.yaml', file(''));
    const r = await composeOk(dir, ['run', '--rm', '-q', '--remove-orphans', '--cap-add', 'NET_ADMIN', '--cap-drop', 'CHOWN', '-l', 'x=1', '--env-from-file', 'vars.env', '--use-aliases', '--name', 'rf-one', 'web',
      'sh', '-c', 'grep CapEff /proc/self/status; echo $FROM_FILE; sleep 0.2']);
    // NET_ADMIN (12) added, CHOWN (0) dropped from the default set.
    const eff = BigInt(`0x${/CapEff:\s*([0-9a-f]+)/.exec(r.stdout)![1]}`);
    expect(eff & (1n << 12n)).toBe(1n << 12n);
    expect(eff & 1n).toBe(0n);
    expect(r.stdout).toContain('yes\n');
    expect(r.stderr).toBe('');
    // The orphan went; the one-off is gone too (--rm).
    expect(await names('rf')).toEqual([]);
    // -l and --use-aliases on a detached one-off: the label, and the service's name and alias on its network.
    await composeOk(dir, ['run', '-d', '-l', 'x=1', '--use-aliases', '--name', 'rf-two', 'web']);
    expect((await tscRunOk(['inspect', '--format', '{{index .Config.Labels "x"}} {{range .NetworkSettings.Networks}}{{join .Aliases ","}}{{end}}', 'rf-two'], { sandbox: sb })).stdout).toMatch(/^1 .*\bweb\b.*\bwww\b/);
    await composeOk(dir, ['down', '-t', '0', '--remove-orphans']);
  }, 180_000);

  it('kill leaves orphans alone unless --remove-orphans; up --abort-on-container-failure stops on the first failure', async () => {
    const dir = projectDir('kf', {
      'compose.yaml': 'services:\n  a:\n    image: bb\n    command: ["sleep", "1000"]\n  gone:\n    image: bb\n    command: ["sleep", "1000"]\n',
    });
    await composeOk(dir, ['up', '-d']);
    sb.file('kf/compose.yaml', 'services:\n  a:\n    image: bb\n    command: ["sleep", "1000"]\n  ok:\n    image: bb\n    command: ["true"]\n  bad:\n    image: bb\n    command: ["sh", "-c", "sleep 3; echo bad-done; exit 4"]\n');
    await composeOk(dir, ['kill', 'a']);
    expect(await names('kf')).toEqual(['kf-a-1 exited', 'kf-gone-1 running']);
    await composeOk(dir, ['kill', '--remove-orphans']);
    expect(await names('kf')).toEqual(['kf-a-1 exited', 'kf-gone-1 exited']);
    expect((await compose(dir, ['kill'])).stderr).toBe('no container to kill');
    // ok exits 0 (no abort), bad exits 4: the rest is stopped and up returns 4.
    const up = await compose(dir, ['up', '--abort-on-container-failure', '--remove-orphans', '-t', '0']);
    expect(up.exitCode).toBe(4);
    // ok's exit 0 stopped nothing: bad ran to its end.
    expect(up.stdout).toMatch(/^bad-1 +\| bad-done$/m);
    expect(up.stdout).toMatch(/^bad-1 exited with code 4$/m);
    expect(up.stderr).toContain('Aborting on container exit...\n');
    expect(await names('kf')).toEqual(['kf-a-1 exited', 'kf-bad-1 exited', 'kf-ok-1 exited']);
    const both = await compose(dir, ['up', '--abort-on-container-failure', '--abort-on-container-exit']);
    expect(both.stderr).toBe('Error: --abort-on-container-failure cannot be combined with --abort-on-container-exit\n');
    expect((await compose(dir, ['up', '--menu'])).stderr).toMatch(/^Error: --menu is not supported: .+\n$/);
    expect((await compose(dir, ['up', '-d', '--watch'])).stderr).toBe('Error: --detach cannot be combined with --abort-on-container-exit, --abort-on-container-failure, --attach, --attach-dependencies or --watch\n');
    await composeOk(dir, ['down', '-t', '0']);
  }, 180_000);

  it('up --watch syncs develop.watch paths while attached', async () => {
    const dir = projectDir('uw', {
      'compose.yaml': `services:
  app:
    build: {context: ., dockerfile_inline: "FROM bb\\n"}
    command: ["sh", "-c", "until [ -f /app/stop ]; do sleep 0.2; done; cat /app/stop"]
    network_mode: none
    develop:
      watch:
        - {path: ./src, target: /app, action: sync}
`,
      'src/keep': 'x\n',
    });
    const up = compose(dir, ['up', '--watch']);
    let ended = false;
    void up.then(() => (ended = true));
    // Until the synced file ends the container (written again in case the watcher was not yet set up).
    const deadline = Date.now() + 90_000;
    for (let i = 0; !ended && Date.now() < deadline; i++) {
      await new Promise((r) => setTimeout(r, 3000));
      if ((await tscRunOk(['ps', '--filter', 'name=uw-app-1', '--format', '{{.Names}}'], { sandbox: sb })).stdout.includes('uw-app-1')) sb.file('uw/src/stop', `synced ${i}\n`);
    }
    const r = await up;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/app-1 +\| synced \d+\n/);
    expect(r.stderr).toContain('Watch configuration for service "app":');
    await composeOk(dir, ['down', '-t', '0']);
  }, 180_000);

  it('config --networks, --environment, --variables', async () => {
    const dir = projectDir('cv', {
      'compose.yaml': 'services:\n  a:\n    image: ${IMG:-bb}\n    environment:\n      - X=${NEED:?set}\n    networks: [back]\nnetworks:\n  back: {}\n',
      '.env': 'NEED=1\n',
    });
    expect((await composeOk(dir, ['config', '--networks'])).stdout).toBe('back\n');
    expect((await composeOk(dir, ['config', '--environment'])).stdout).toContain('NEED=1\n');
    expect((await composeOk(dir, ['config', '--variables'])).stdout).toBe(
      'NAME                REQUIRED            DEFAULT VALUE       ALTERNATE VALUE\nIMG                 false               bb                  \nNEED                true                                    \n',
    );
    expect(JSON.parse((await composeOk(dir, ['config', '--variables', '--format', 'json'])).stdout)).toEqual({
      IMG: { Name: 'IMG', DefaultValue: 'bb', PresenceValue: '', Required: false },
      NEED: { Name: 'NEED', DefaultValue: '', PresenceValue: '', Required: true },
    });
  }, 60_000);

  it('images: the v2.40 table and JSON; pull --ignore-buildable and --policy missing skip images', async () => {
    const dir = projectDir('im', {
      'compose.yaml': 'services:\n  a:\n    image: bb\n    command: ["sleep", "1000"]\n  b:\n    image: bb\n    build: .\n    command: ["sleep", "1000"]\n',
      Dockerfile: 'FROM bb\n',
    });
    await composeOk(dir, ['create', '--quiet-pull', 'a']);
    const t = (await composeOk(dir, ['images'])).stdout.split('\n');
    expect(t[0]).toBe('CONTAINER           REPOSITORY          TAG                 PLATFORM            IMAGE ID            SIZE                CREATED');
    expect(t[1]).toMatch(/^im-a-1 {14}localhost\/bb {8}latest {14}linux\/amd64 {9}[0-9a-f]{12} {8}\d[\d.]*[kM]?B +\S.* ago$/);
    const j = JSON.parse((await composeOk(dir, ['images', '--format', 'json'])).stdout) as Array<Record<string, unknown>>;
    expect(Object.keys(j[0]!)).toEqual(['ID', 'ContainerName', 'Repository', 'Tag', 'Platform', 'Size', 'LastTagTime']);
    expect(j[0]).toMatchObject({ ContainerName: 'im-a-1', Repository: 'localhost/bb', Tag: 'latest', Platform: 'linux/amd64' });
    expect(j[0]!.ID).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await compose(dir, ['images', '--format', 'yaml'])).exitCode).toBe(125);
    // bb is local only: a pull of it would fail; both flags leave it alone.
    expect((await compose(dir, ['pull', '--ignore-buildable', 'b'])).exitCode).toBe(0);
    expect((await compose(dir, ['pull', '--policy', 'missing'])).exitCode).toBe(0);
    expect((await compose(dir, ['pull', 'a'])).exitCode).not.toBe(0);
    await composeOk(dir, ['down']);
  }, 120_000);
});
