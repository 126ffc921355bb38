// `compose config`'s flags of docker compose v2.40 through the real CLI, as
// the test user: --resolve-image-digests and --lock-image-digests against a
// docker-registry on 127.0.0.1 (the local store's digest first, else the
// registry's), --no-interpolate & co., --models, -o, -q. The exact bytes are
// the unit tests' (test/unit/compose/config-flags.test.ts); here the wiring.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRunOk } from '../harness/cli.js';
import { buildBusyboxImage, type OciImage } from '../harness/images.js';
import { pushImage, startRegistry, type Registry } from '../harness/registry.js';
import { disposeStore, emptyStore } from '../harness/fixtures.js';
import type { Sandbox } from '../harness/sandbox.js';
import { composeProjects } from './run-util.js';

let reg: Registry;
let first: OciImage;
let second: OciImage;
let sb: Sandbox;
let env: Record<string, string>;
const { projectDir, compose } = composeProjects(() => sb);

beforeAll(async () => {
  reg = await startRegistry();
  first = await buildBusyboxImage({ config: { Cmd: ['echo', 'one'] } });
  second = await buildBusyboxImage({ config: { Cmd: ['echo', 'two'] } });
  await pushImage(reg, 'app', '1', first);
  sb = await emptyStore('compose-config-flags', 'user');
  env = { CONTAINERS_REGISTRIES_CONF: sb.file('registries.conf', `[[registry]]\nlocation = "${reg.host}"\ninsecure = true\n`) };
  await tscRunOk(['pull', '-q', `${reg.host}/app:1`], { sandbox: sb, env, timeoutMs: 90_000 });
  // The registry's app:1 moves on; the store keeps the first one.
  await pushImage(reg, 'app', '1', second);
  await pushImage(reg, 'app', 'remote', second);
}, 180_000);

afterAll(async () => {
  await disposeStore(sb);
  await reg?.stop();
});

const run = (dir: string, args: string[]) => tscRunOk(['compose', ...args], { sandbox: sb, cwd: dir, env, timeoutMs: 90_000 });

describe('compose config flags', () => {
  it('--resolve-image-digests pins the local image, else the registry\'s; --lock-image-digests prints only the images', async () => {
    const dir = projectDir('pin', {
      'compose.yaml': `services:\n  local:\n    image: ${reg.host}/app:1\n  remote:\n    image: ${reg.host}/app:remote\n  built:\n    build: .\n`,
      Dockerfile: 'FROM scratch\n',
    });
    sb.chown(dir);
    const resolved = (await run(dir, ['config', '--resolve-image-digests'])).stdout;
    expect(resolved).toContain(`    image: ${reg.host}/app:1@${first.manifestDigest}\n`);
    expect(resolved).toContain(`    image: ${reg.host}/app:remote@${second.manifestDigest}\n`);
    expect((await run(dir, ['config', '--lock-image-digests'])).stdout).toBe(
      `services:\n  built: {}\n  local:\n    image: ${reg.host}/app:1@${first.manifestDigest}\n  remote:\n    image: ${reg.host}/app:remote@${second.manifestDigest}\n`,
    );
    // The model (--no-interpolate) is pinned too; -o takes the whole document.
    await run(dir, ['config', '--no-interpolate', '--lock-image-digests', '--format', 'json', '-o', 'lock.json']);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'lock.json'), 'utf8'))).toEqual({
      services: { built: {}, local: { image: `${reg.host}/app:1@${first.manifestDigest}` }, remote: { image: `${reg.host}/app:remote@${second.manifestDigest}` } },
    });
    // An image neither here nor there: docker compose's words, nothing printed.
    sb.file('pin/compose.yaml', `services:\n  gone:\n    image: ${reg.host}/app:nope\n`);
    const r = await compose(dir, ['config', '--resolve-image-digests']);
    expect(r.exitCode).toBe(125);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^Error: failed to resolve digest for ${reg.host.replace(/\./g, '\\.')}/app:nope: .+\\n$`));
  }, 120_000);

  it('--no-interpolate, --no-normalize, --no-path-resolution, --no-env-resolution, --no-consistency, --models, -q, -o', async () => {
    const dir = projectDir('sw', {
      'compose.yaml': 'services:\n  a:\n    image: x\n    ports: ["${PORT:-8080}:80"]\n    env_file: a.env\n    container_name: same\n    models: [m]\n  b:\n    image: x\n    container_name: same\nmodels:\n  m:\n    model: ai/smollm2\n  unused:\n    model: ai/other\n',
      'a.env': 'FROM_FILE=1\n',
    });
    sb.chown(dir);
    const bad = await compose(dir, ['config']);
    expect(bad.exitCode).toBe(125);
    expect(bad.stderr).toBe('Error: services.b: container name "same" is already in use by service a\n');
    expect((await run(dir, ['config', '--no-consistency', '--no-interpolate'])).stdout).toContain('    ports:\n      - ${PORT:-8080}:80\n');
    const plain = (await run(dir, ['config', '--no-consistency', '--no-normalize', '--no-path-resolution', '--no-env-resolution'])).stdout;
    expect(plain).toContain('    env_file:\n      - path: a.env\n        required: true\n');
    expect(plain).not.toContain('networks:');
    expect((await run(dir, ['config', '--no-consistency'])).stdout).toContain('    environment:\n      FROM_FILE: "1"\n');
    // Only the models a service uses, unless --all-resources (as docker compose loads a project).
    expect((await run(dir, ['config', '--no-consistency', '--models'])).stdout).toBe('ai/smollm2\n');
    expect((await run(dir, ['--all-resources', 'config', '--no-consistency', '--models'])).stdout).toBe('ai/other\nai/smollm2\n');
    // Every list flag of docker compose's config is there.
    for (const f of ['--services', '--volumes', '--networks', '--profiles', '--images', '--environment', '--variables']) expect((await compose(dir, ['config', '--no-consistency', f])).exitCode).toBe(0);
    // -q prints nothing and writes no file; -o with a list flag prints the list (docker compose's -o is the config's).
    expect((await run(dir, ['config', '--no-consistency', '-q', '-o', 'q.yaml'])).stdout).toBe('');
    expect(fs.existsSync(path.join(dir, 'q.yaml'))).toBe(false);
    expect((await run(dir, ['config', '--no-consistency', '--services', '-o', 's.yaml'])).stdout).toBe('a\nb\n');
    expect(fs.existsSync(path.join(dir, 's.yaml'))).toBe(false);
    const json = (await run(dir, ['config', '--no-consistency', '--format', 'json'])).stdout;
    expect(json.endsWith('}')).toBe(true);
    expect(JSON.parse(json)).toMatchObject({ name: 'sw', services: { a: { container_name: 'same' } } });
    expect((await compose(dir, ['config', '--no-consistency', '--format', 'toml'])).stderr).toBe('Error: unsupported format "toml"\n');
  }, 60_000);
});
