// `compose config`'s switches and outputs, against what docker compose
// v2.40.3's cmd/compose/config.go and compose-go v2.9.1 print (its e2e
// fixtures where they exist: pkg/e2e/config_test.go, compose_test.go).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, loadProject, type LoadOptions } from '../../../src/compose/load.js';
import { configJson, configYaml, imagesOnlyText, modelText } from '../../../src/compose/config-view.js';
import { pinImage } from '../../../src/compose/image-digest.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

function project(files: Record<string, string>, dirName = 'app'): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-cfg-'));
  roots.push(root);
  const dir = path.join(root, dirName);
  fs.mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
  return dir;
}

const opts = (dir: string, o: Partial<LoadOptions> = {}): LoadOptions => ({ cwd: dir, env: { HOME: '/home/u' }, ...o });
const msg = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('no error');
};

describe('compose config --no-interpolate (the model)', () => {
  it('keeps a short port it cannot parse as written, keys sorted (e2e TestLocalComposeConfig)', () => {
    const dir = project({ 'compose.yaml': 'services:\n  test:\n    image: test\n    ports:\n      - ${PORT:-8080}:80\n' });
    expect(modelText(loadModel(opts(dir, { projectName: 'compose-e2e-config' })), 'yaml')).toBe(
      'name: compose-e2e-config\nnetworks:\n  default:\n    name: compose-e2e-config_default\nservices:\n  test:\n    image: test\n    networks:\n      default: null\n    ports:\n      - ${PORT:-8080}:80\n',
    );
  });

  it('resolves the build context, leaves the variable (e2e TestConfigInterpolate)', () => {
    const dir = project({ 'compose-interpolate.yaml': 'services:\n  nginx:\n    build:\n      context: nginx-build\n      dockerfile: ${MYVAR}\n' });
    const text = modelText(loadModel(opts(dir, { files: ['compose-interpolate.yaml'], projectName: 'p' })), 'yaml');
    expect(text).toBe(`name: p\nnetworks:\n  default:\n    name: p_default\nservices:\n  nginx:\n    build:\n      context: ${dir}/nginx-build\n      dockerfile: \${MYVAR}\n    networks:\n      default: null\n`);
  });

  it('with --no-normalize and --no-path-resolution: as written, no default network, no name', () => {
    const dir = project({ 'compose.yaml': 'services:\n  a:\n    image: x\n    build: ./ctx\n    env_file: e.env\n' });
    const m = loadModel(opts(dir, { switches: { normalize: false, resolvePaths: false } }));
    expect(modelText(m, 'json')).toBe('{\n  "services": {\n    "a": {\n      "build": {\n        "context": "./ctx"\n      },\n      "env_file": [\n        {\n          "path": "e.env",\n          "required": true\n        }\n      ],\n      "image": "x"\n    }\n  }\n}');
  });

  it('normalizes as compose-go: implied dependencies, pull_policy, build defaults, bare names', () => {
    const dir = project({ 'compose.yaml': 'services:\n  a:\n    image: x\n    pull_policy: if_not_present\n    network_mode: service:b\n    environment: [SET, UNSET]\n    build:\n      args: [SET, UNSET]\n  b:\n    image: x\n' });
    const m = loadModel(opts(dir, { env: { SET: 'v' } })) as { services: Record<string, Record<string, unknown>> };
    const a = m.services.a!;
    expect(a.pull_policy).toBe('missing');
    expect(a.depends_on).toEqual({ b: { condition: 'service_started', restart: true, required: true } });
    expect(a.environment).toEqual({ SET: 'v', UNSET: null });
    expect(a.build).toEqual({ context: dir, dockerfile: 'Dockerfile', args: { SET: 'v' } });
    expect(a.networks).toBeUndefined();
  });
});

describe('compose config (the project)', () => {
  it('prints JSON as compose-go: two-space indents, top-level keys sorted, no final newline, $ doubled', () => {
    const dir = project({ 'compose.yaml': 'services:\n  test:\n    image: test\n    environment:\n      A: "x$$y"\n' });
    expect(configJson(loadProject(opts(dir, { projectName: 'p' })))).toBe(
      '{\n  "name": "p",\n  "networks": {\n    "default": {\n      "name": "p_default"\n    }\n  },\n  "services": {\n    "test": {\n      "environment": {\n        "A": "x$$y"\n      },\n      "image": "test",\n      "networks": {\n        "default": null\n      }\n    }\n  }\n}',
    );
    expect(configYaml(loadProject(opts(dir, { projectName: 'p' })))).toContain('      A: x$$y\n');
  });

  it('orders a service\'s keys as compose-go marshals them', () => {
    const dir = project({ 'compose.yaml': 'services:\n  a:\n    image: x\n    profiles: [p]\n    command: ["true"]\n    build: .\n' });
    const text = configYaml(loadProject(opts(dir, { profiles: ['p'] })));
    expect(text.split('\nnetworks:')[0]!.split('\n').filter((l) => /^ {4}[a-z_]+:/.test(l)).map((l) => l.trim().split(':')[0])).toEqual(['profiles', 'build', 'command', 'image', 'networks']);
  });

  it('--no-normalize: no default network, build defaults or names', () => {
    const dir = project({ 'compose.yaml': 'services:\n  a:\n    build: ./ctx\nvolumes:\n  data: {}\n' });
    const p = loadProject(opts(dir, { switches: { normalize: false } }));
    expect(configYaml(p)).toBe(`name: app\nservices:\n  a:\n    build:\n      context: ${dir}/ctx\nvolumes:\n  data: {}\n`);
  });

  it('--no-path-resolution keeps relative paths; --no-env-resolution keeps env_file', () => {
    const dir = project({ 'compose.yaml': 'services:\n  a:\n    image: x\n    env_file: e.env\n    volumes: ["./d:/d"]\n', 'e.env': 'A=1\n' });
    const resolved = loadProject(opts(dir));
    expect(resolved.services.a!.environment).toEqual({ A: '1' });
    expect(resolved.services.a!.volumes![0]!.source).toBe(`${dir}/d`);
    const p = loadProject(opts(dir, { switches: { resolvePaths: false, resolveEnvFiles: false } }));
    expect(p.services.a!.env_file).toEqual([{ path: 'e.env', required: true }]);
    expect(p.services.a!.environment).toBeUndefined();
    expect(p.services.a!.volumes![0]!.source).toBe('./d');
    // Env files are still read from the project directory when paths are not resolved.
    expect(loadProject(opts(dir, { switches: { resolvePaths: false } })).services.a!.environment).toEqual({ A: '1' });
  });

  it('checks container names and references unless --no-consistency', () => {
    const dir = project({ 'compose.yaml': 'services:\n  a:\n    image: x\n    container_name: same\n  b:\n    image: x\n    container_name: same\n    networks: [nope]\n  c:\n    command: ["x"]\n' });
    expect(msg(() => loadProject(opts(dir)))).toMatch(/service "c" has neither an image nor a build context specified/);
    const d2 = project({ 'compose.yaml': 'services:\n  a:\n    image: x\n    container_name: same\n  b:\n    image: x\n    container_name: same\n' });
    expect(msg(() => loadProject(opts(d2)))).toBe('services.b: container name "same" is already in use by service a');
    const p = loadProject(opts(dir, { switches: { consistency: false } }));
    expect(Object.keys(p.services).sort()).toEqual(['a', 'b', 'c']);
  });

  it('keeps top-level models (--models, and printed after configs)', () => {
    const dir = project({ 'compose.yaml': 'services:\n  a:\n    image: x\nmodels:\n  m:\n    model: ai/smollm2\n' });
    const p = loadProject(opts(dir));
    expect(p.models).toEqual({ m: { name: 'app_m', model: 'ai/smollm2' } });
    expect(configYaml(p)).toMatch(/\nmodels:\n {2}m:\n {4}name: app_m\n {4}model: ai\/smollm2\n$/);
    expect(configJson(p)).not.toContain('models');
  });
});

describe('--resolve-image-digests / --lock-image-digests', () => {
  const D = `sha256:${'a'.repeat(64)}`;
  const R = `sha256:${'b'.repeat(64)}`;

  it('pins from the local store for that repository, else the registry; normalizes the reference', async () => {
    const asked: string[] = [];
    const src = {
      repoDigests: (image: string) => Promise.resolve(image === 'busybox' ? [`quay.io/x/busybox@${R}`, `docker.io/library/busybox@${D}`] : undefined),
      remote: (ref: { path: string; tag?: string | undefined }) => {
        asked.push(`${ref.path}:${ref.tag}`);
        return Promise.resolve(R);
      },
    };
    expect(await pinImage('busybox', src)).toBe(`docker.io/library/busybox:latest@${D}`);
    expect(await pinImage('127.0.0.1:5000/app:1', src)).toBe(`127.0.0.1:5000/app:1@${R}`);
    expect(await pinImage(`busybox@${R}`, src)).toBe(`docker.io/library/busybox@${R}`);
    expect(asked).toEqual(['app:1']);
  });

  it('says which reference it could not resolve', async () => {
    const src = { repoDigests: () => Promise.resolve(undefined), remote: () => Promise.reject(new Error('manifest unknown')) };
    await expect(pinImage('nope:2', src)).rejects.toThrow('failed to resolve digest for docker.io/library/nope:2: manifest unknown');
  });

  it('the lock document: only images (JSON of a project keeps an empty name, the model does not)', () => {
    expect(imagesOnlyText({ web: `x@${D}`, built: undefined }, 'yaml', false)).toBe(`services:\n  built: {}\n  web:\n    image: x@${D}\n`);
    expect(imagesOnlyText({ web: 'x' }, 'json', false)).toBe('{\n  "name": "",\n  "services": {\n    "web": {\n      "image": "x"\n    }\n  }\n}');
    expect(imagesOnlyText({ web: 'x' }, 'json', true)).toBe('{\n  "services": {\n    "web": {\n      "image": "x"\n    }\n  }\n}');
  });
});
