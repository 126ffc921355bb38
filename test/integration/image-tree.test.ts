// `image tree` on images made here by commit: the image's layers bottom
// first with the tags they top, --whatrequires from a base image, and the
// refusals (podman 4.3's text; the drawing itself is unit-tested).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busyboxStore, disposeStore, tscRun, tscRunOk, type BusyboxStore } from '../harness/index.js';

let sb: BusyboxStore;
const run = (args: string[]) => tscRun(args, { sandbox: sb });

beforeAll(async () => {
  sb = await busyboxStore('image-tree');
  for (const [name, file] of [['t1', 'one'], ['t2', 'two']] as const) {
    await tscRunOk(['run', '--name', name, 'bb', 'touch', `/${file}`], { sandbox: sb });
    await tscRunOk(['commit', '-q', name, `localhost/${name}`], { sandbox: sb });
    await tscRunOk(['rm', name], { sandbox: sb });
  }
});
afterAll(() => disposeStore(sb));

describe('image tree (test user)', () => {
  it('prints the image, then its layers bottom first with the tags they top', async () => {
    const id = (await tscRunOk(['image', 'inspect', '--format', '{{.Id}}', 't1'], { sandbox: sb })).stdout.trim();
    const r = await run(['image', 'tree', 't1']);
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual([`Image ID: ${id.slice(0, 12)}`, 'Tags:     [localhost/t1:latest]', expect.stringMatching(/^Size: {5}\d/), 'Image Layers']);
    expect(lines[4]).toMatch(/^├── ID: [0-9a-f]{12} Size: +\S+ Top Layer of: \[localhost\/bb:latest\]$/);
    expect(lines[5]).toMatch(/^└── ID: [0-9a-f]{12} Size: +\S+ Top Layer of: \[localhost\/t1:latest\]$/);
    expect(lines.slice(6)).toEqual(['', '']);
  });

  it('--whatrequires shows what is built on the image\'s top layer', async () => {
    const r = await run(['image', 'tree', '--whatrequires', 'bb']);
    expect(r.exitCode, r.stderr).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => l.includes('ID: ') && !l.startsWith('Image ID'));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^├── .*Top Layer of: \[localhost\/bb:latest\]$/);
    expect(rows.slice(1).map((l) => /Top Layer of: \[(.*)\]/.exec(l)?.[1]).sort()).toEqual(['localhost/t1:latest', 'localhost/t2:latest']);
  });

  it('refuses a missing image and a wrong argument count as podman', async () => {
    expect(await run(['image', 'tree', 'nosuch'])).toMatchObject({ exitCode: 125, stderr: 'Error: nosuch: image not known\n' });
    expect(await run(['image', 'tree'])).toMatchObject({ exitCode: 125, stderr: 'Error: accepts 1 arg(s), received 0\n' });
  });
});
