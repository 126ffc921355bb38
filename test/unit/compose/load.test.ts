import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProject, type LoadOptions } from '../../../src/compose/load.js';
import { configYaml } from '../../../src/compose/config-view.js';
import { parsePort, parseVolume } from '../../../src/compose/canonical.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

/** A temp project dir with the given files. */
function project(files: Record<string, string>, dirName = 'My.App'): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-unit-'));
  roots.push(root);
  const dir = path.join(root, dirName);
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function load(dir: string, o: Partial<LoadOptions> = {}) {
  const warnings: string[] = [];
  const p = loadProject({ cwd: dir, env: { HOME: '/home/u' }, warn: (m) => warnings.push(m), ...o });
  return Object.assign(p, { warnings });
}

const fail = (dir: string, o: Partial<LoadOptions> = {}) => {
  try {
    load(dir, o);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('loaded');
};

describe('short syntaxes', () => {
  const no = (why: string): never => {
    throw new Error(why);
  };
  it('ports', () => {
    expect(parsePort('80', no)).toEqual([{ mode: 'ingress', target: 80, protocol: 'tcp' }]);
    expect(parsePort('127.0.0.1:8080:80/udp', no)).toEqual([{ mode: 'ingress', host_ip: '127.0.0.1', target: 80, published: '8080', protocol: 'udp' }]);
    expect(parsePort('[::1]:81:80', no)[0]!.host_ip).toBe('::1');
    expect(parsePort('9090-9091:8080-8081', no).map((p) => [p.published, p.target])).toEqual([['9090', 8080], ['9091', 8081]]);
    expect(parsePort('8000-8010:80', no)).toEqual([{ mode: 'ingress', target: 80, published: '8000-8010', protocol: 'tcp' }]);
    for (const bad of ['80:80:80', 'x', '70000', '1-2:3-5', '80/icmp', '1:2:3:4']) expect(() => parsePort(bad, no)).toThrow();
  });
  it('volumes', () => {
    expect(parseVolume('data:/d:ro,nocopy', no)).toEqual({ type: 'volume', source: 'data', target: '/d', read_only: true, volume: { nocopy: true } });
    expect(parseVolume('./x:/x', no)).toEqual({ type: 'bind', source: './x', target: '/x', bind: { create_host_path: true } });
    expect(parseVolume('/anon', no)).toEqual({ type: 'volume', target: '/anon', volume: {} });
    for (const bad of ['rel', 'a:b', 'a:/b:bogus', '::']) expect(() => parseVolume(bad, no)).toThrow();
  });
});

describe('loadProject', () => {
  it('finds compose.yaml upwards with its override file, names the project after the directory', () => {
    const dir = project({
      'compose.yaml': 'services:\n  web:\n    image: busybox\n    ports: ["80"]\n',
      'compose.override.yaml': 'services:\n  web:\n    ports: ["81"]\n    command: echo hi\n',
      'deep/er/x': '',
    });
    const p = load(path.join(dir, 'deep/er'));
    expect(p.name).toBe('myapp');
    expect(p.workingDir).toBe(dir);
    expect(p.services.web!.ports!.map((x) => x.target)).toEqual([80, 81]);
    expect(p.services.web!.command).toEqual(['echo', 'hi']);
    expect(p.networks.default).toEqual({ name: 'myapp_default' });
    expect(p.configFiles).toEqual([path.join(dir, 'compose.yaml'), path.join(dir, 'compose.override.yaml')]);
  });

  it('merges several -f files by the spec rules (!reset, !override, unique keys, replaced commands)', () => {
    const dir = project({
      'a.yml': [
        'services:',
        '  s:',
        '    image: one',
        '    command: [a, b]',
        '    ports: ["8080:80", "9000:90"]',
        '    volumes: ["v1:/data"]',
        '    environment: {A: "1", B: "2"}',
        '    dns: [1.1.1.1]',
        'volumes: {v1: {}, v2: {}}',
      ].join('\n'),
      'b.yml': [
        'services:',
        '  s:',
        '    image: two',
        '    command: [c]',
        '    ports: !override ["8443:443"]',
        '    volumes: ["v2:/data"]',
        '    environment: {B: !reset null, C: "3"}',
        '    dns: [8.8.8.8]',
      ].join('\n'),
    });
    const s = load(dir, { files: ['a.yml', 'b.yml'] }).services.s!;
    expect(s.image).toBe('two');
    expect(s.command).toEqual(['c']);
    expect(s.ports!.map((p) => p.published)).toEqual(['8443']);
    expect(s.volumes!.map((v) => v.source)).toEqual(['v2']);
    expect(s.environment).toEqual({ A: '1', C: '3' });
    expect(s.dns).toEqual(['1.1.1.1', '8.8.8.8']);
  });

  it('interpolates from .env and the environment (environment wins), --env-file replaces .env', () => {
    const dir = project({
      'compose.yaml': 'name: ${NAME:-fallback}\nservices:\n  s:\n    image: "busybox:${TAG}"\n    environment: [X, "Y=${Y-unset}"]\n',
      '.env': 'TAG=from-dotenv\nNAME=proj\nX=from-dotenv-x\n',
      'other.env': 'TAG=other\n',
    });
    let p = load(dir);
    expect(p.name).toBe('proj');
    expect(p.services.s!.image).toBe('busybox:from-dotenv');
    expect(p.services.s!.environment).toEqual({ X: 'from-dotenv-x', Y: 'unset' });
    p = load(dir, { env: { TAG: 'shell' } });
    expect(p.services.s!.image).toBe('busybox:shell');
    p = load(dir, { envFiles: ['other.env'] });
    expect(p.services.s!.image).toBe('busybox:other');
    expect(p.name).toBe('fallback');
  });

  it('takes the project name from -p, then COMPOSE_PROJECT_NAME, then name:, then the directory', () => {
    const dir = project({ 'compose.yaml': 'name: top\nservices:\n  s:\n    image: x\n' });
    expect(load(dir, { projectName: 'flag' }).name).toBe('flag');
    expect(load(dir, { env: { COMPOSE_PROJECT_NAME: 'envname' } }).name).toBe('envname');
    expect(load(dir).name).toBe('top');
    expect(fail(dir, { projectName: 'Bad Name' })).toMatch(/is not a valid project name/);
  });

  it('reads COMPOSE_FILE, and -f - from stdin with the working directory as project directory', () => {
    const dir = project({ 'x.yaml': 'services:\n  a:\n    image: x\n', 'y.yaml': 'services:\n  b:\n    image: y\n' });
    expect(Object.keys(load(dir, { env: { COMPOSE_FILE: 'x.yaml:y.yaml' } }).services)).toEqual(['a', 'b']);
    const p = load(dir, { files: ['-'], readStdin: () => 'services:\n  c:\n    build: ./ctx\n' });
    expect(p.services.c!.build).toEqual({ context: path.join(dir, 'ctx'), dockerfile: 'Dockerfile' });
  });

  it('resolves anchors, merge keys, extends (same file and another file) and include', () => {
    const dir = project({
      'compose.yaml': [
        'x-base: &base',
        '  image: busybox',
        '  labels: {tier: back}',
        'include:',
        '  - lib/inc.yaml',
        'services:',
        '  a:',
        '    <<: *base',
        '    command: ["true"]',
        '  b:',
        '    extends: a',
        '    labels: {extra: "1"}',
        '  c:',
        '    extends: {file: lib/base.yaml, service: tmpl}',
      ].join('\n'),
      'lib/base.yaml': 'services:\n  tmpl:\n    build: ./ctx\n    volumes: ["./data:/data"]\n',
      'lib/inc.yaml': 'services:\n  inc:\n    image: inc\n    env_file: inc.env\nvolumes:\n  shared: {}\n',
      'lib/inc.env': 'FROM_INC=1\n',
    });
    const p = load(dir);
    expect(p.services.a!.labels).toEqual({ tier: 'back' });
    expect(p.services.b).toMatchObject({ image: 'busybox', command: ['true'], labels: { tier: 'back', extra: '1' } });
    expect(p.services.c!.build!.context).toBe(path.join(dir, 'lib/ctx'));
    expect(p.services.c!.volumes![0]!.source).toBe(path.join(dir, 'lib/data'));
    expect(p.services.inc!.environment).toEqual({ FROM_INC: '1' });
    expect(p.volumes.shared!.name).toBe('myapp_shared');
  });

  it('applies profiles: --profile and COMPOSE_PROFILES enable services', () => {
    const dir = project({ 'compose.yaml': 'services:\n  a:\n    image: x\n  dbg:\n    image: y\n    profiles: [debug]\n' });
    expect(Object.keys(load(dir).services)).toEqual(['a']);
    expect(Object.keys(load(dir).disabledServices)).toEqual(['dbg']);
    expect(Object.keys(load(dir, { profiles: ['debug'] }).services)).toEqual(['a', 'dbg']);
    expect(Object.keys(load(dir, { env: { COMPOSE_PROFILES: 'debug' } }).services)).toEqual(['a', 'dbg']);
  });

  it('warns of unset variables and the obsolete version key', () => {
    const dir = project({ 'compose.yaml': 'version: "3"\nservices:\n  a:\n    image: x${NOPE}\n' });
    const p = load(dir);
    expect(p.services.a!.image).toBe('x');
    expect(p.warnings.join('\n')).toMatch(/"NOPE" variable is not set/);
    expect(p.warnings.join('\n')).toMatch(/`version` is obsolete/);
  });

  it('prints the config as docker compose does', () => {
    const dir = project({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    ports: ["8080:80"]\n' }, 'cfg');
    expect(configYaml(load(dir))).toBe(
      [
        'name: cfg',
        'services:',
        '  web:',
        '    image: nginx',
        '    networks:',
        '      default: null',
        '    ports:',
        '      - mode: ingress',
        '        target: 80',
        '        published: "8080"',
        '        protocol: tcp',
        'networks:',
        '  default:',
        '    name: cfg_default',
        '',
      ].join('\n'),
    );
  });
});

describe('malformed files fail with the file, the key path and the reason', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['bad port', 'services:\n  web:\n    image: x\n    ports: ["80:80:80"]\n', /^compose\.yaml: services\.web\.ports\[0\]: invalid port "80:80:80"$/],
    ['unknown key', 'services:\n  web:\n    image: x\n    colour: red\n', /^compose\.yaml: services\.web: additional property "colour" is not allowed$/],
    ['wrong type', 'services:\n  web:\n    image: x\n    privileged: {}\n', /^compose\.yaml: services\.web\.privileged: must be boolean or string$/],
    ['unknown top-level key', 'service:\n  web:\n    image: x\n', /additional property "service" is not allowed/],
    ['neither image nor build', 'services:\n  web:\n    command: ["x"]\n', /service "web" has neither an image nor a build context specified/],
    ['dependency cycle', 'services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n', /dependency cycle detected: a -> b -> a/],
    ['undefined dependency', 'services:\n  a:\n    image: x\n    depends_on: [nope]\n', /service "a" depends on undefined service "nope"/],
    ['missing required variable', 'services:\n  a:\n    image: ${IMG:?an image is needed}\n', /^compose\.yaml: services\.a\.image: required variable IMG is missing a value: an image is needed$/],
    ['undefined volume', 'services:\n  a:\n    image: x\n    volumes: ["data:/d"]\n', /refers to undefined volume data/],
    ['undefined network', 'services:\n  a:\n    image: x\n    networks: [back]\n', /refers to undefined network back/],
    ['bad yaml', 'services:\n  a:\n   image: x\n  - b\n', /^compose\.yaml: yaml: line \d+/],
    ['duplicate key', 'services:\n  a:\n    image: x\n    image: y\n', /^compose\.yaml: yaml: .*[Uu]nique/],
    ['not a mapping', '- a\n- b\n', /top-level object must be a mapping/],
    ['bad restart', 'services:\n  a:\n    image: x\n    restart: sometimes\n', /services\.a\.restart: invalid restart policy "sometimes"/],
    ['bad duration', 'services:\n  a:\n    image: x\n    healthcheck:\n      interval: soon\n', /services\.a\.healthcheck\.interval: invalid duration "soon"/],
    ['scale with container_name', 'services:\n  a:\n    image: x\n    container_name: one\n    scale: 2\n', /container_name/],
    ['bad interpolation', 'services:\n  a:\n    image: "${X"\n', /services\.a\.image: invalid interpolation format/],
    ['missing env_file', 'services:\n  a:\n    image: x\n    env_file: nope.env\n', /env file .*nope\.env not found/],
    ['extends an unknown service', 'services:\n  a:\n    image: x\n    extends: ghost\n', /cannot extend service "ghost"/],
    ['secret without a source', 'services:\n  a:\n    image: x\n    secrets: [s]\nsecrets:\n  s: {}\n', /must declare either/],
  ];
  it.each(cases)('%s', (_name, text, re) => {
    const dir = project({ 'compose.yaml': text });
    expect(fail(dir)).toMatch(re);
  });

  it('no file at all', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-none-'));
    roots.push(dir);
    expect(fail(dir)).toBe('no configuration file provided: not found');
  });

  it('a -f file that does not exist', () => {
    const dir = project({ 'compose.yaml': 'services: {}\n' });
    expect(fail(dir, { files: ['nope.yaml'] })).toBe('open nope.yaml: no such file or directory');
  });

  it('an alias bomb is refused', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const dir = project({ 'compose.yaml': `x-bomb:\n${lines.map((l) => `  ${l}`).join('\n')}\nservices: {}\n` });
    expect(fail(dir)).toMatch(/compose\.yaml: yaml: .*[Aa]lias|Excessive/);
  });
});
