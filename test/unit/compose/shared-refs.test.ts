// Services that refer to another by name (network_mode/ipc/pid service:X,
// volumes_from): the dependency compose-go adds, and the run flags.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../../src/compose/load.js';
import { configYaml } from '../../../src/compose/config-view.js';
import { createArgs } from '../../../src/compose/create-args.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

function load(yaml: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-refs-'));
  roots.push(dir);
  fs.writeFileSync(path.join(dir, 'compose.yaml'), yaml);
  return loadProject({ cwd: dir, env: {}, warn: () => undefined, projectName: 'p' });
}

const args = (yaml: string, service: string) => {
  const p = load(yaml);
  return createArgs({ project: p, service, number: 1, hash: 'h', image: 'bb', secretFiles: {}, configFiles: {} }).join(' ');
};

describe('references to other services', () => {
  const file = `services:
  x: {image: bb}
  data: {image: bb, container_name: store}
  y:
    image: bb
    network_mode: service:x
    ipc: service:x
    volumes_from: [data:ro, "container:other:rw", x]
    domainname: example.org
`;
  it('adds them to depends_on as compose-go does (namespaces with restart, volumes_from without)', () => {
    const p = load(file);
    expect(p.services.y!.depends_on).toEqual({
      x: { condition: 'service_started', required: true, restart: true },
      data: { condition: 'service_started', required: true, restart: false },
    });
    expect(configYaml(p)).toContain('depends_on:\n      x:\n        condition: service_started\n        required: true\n        restart: true');
  });
  it('keeps a depends_on the file gives', () => {
    const p = load('services:\n  x: {image: bb}\n  y:\n    image: bb\n    network_mode: service:x\n    depends_on: {x: {condition: service_healthy}}\n');
    expect(p.services.y!.depends_on!.x!.condition).toBe('service_healthy');
  });
  it('maps them to the first container of the service (its container_name when set)', () => {
    const a = args(file, 'y');
    expect(a).toContain('--network container:p-x-1');
    expect(a).toContain('--ipc container:p-x-1');
    expect(a).toContain('--volumes-from store:ro --volumes-from other:rw --volumes-from p-x-1');
    expect(a).toContain('--domainname example.org');
  });
  it('refuses an unknown service and a bad mode', () => {
    expect(() => load('services:\n  y: {image: bb, volumes_from: [nope]}\n')).toThrow(/depends on undefined service "nope"/);
    expect(() => args('services:\n  x: {image: bb}\n  y: {image: bb, volumes_from: ["x:rx"]}\n', 'y')).toThrow(/volumes_from: invalid "x:rx"/);
  });
});

describe('dependentsOf', () => {
  const p = load(`services:
  x: {image: bb}
  y: {image: bb, network_mode: service:x}
  z: {image: bb, pid: service:y}
  v: {image: bb, volumes_from: [x]}
  r: {image: bb, depends_on: {x: {condition: service_started, restart: true}}}
  lone: {image: bb, depends_on: [x]}
`);
  it('follows namespaces transitively; volumes_from only for references; restart: true for restart', async () => {
    const { dependentsOf } = await import('../../../src/compose/dependents.js');
    expect(dependentsOf(p, ['x'], 'namespaces')).toEqual(['y', 'z']);
    expect(dependentsOf(p, ['x'], 'references')).toEqual(['v', 'y', 'z']);
    expect(dependentsOf(p, ['x'], 'restart')).toEqual(['r', 'y', 'z']);
    expect(dependentsOf(p, ['x', 'y'], 'namespaces')).toEqual(['z']);
    expect(dependentsOf(p, ['lone'], 'references')).toEqual([]);
  });
});
