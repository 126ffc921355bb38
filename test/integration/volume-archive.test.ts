// volume export / import / mount / unmount / reload as the test user: a
// volume holding a file owned by a sub-id and 2 MB of random bytes goes
// out as a tar and back into another volume whole (checksums and owners
// compared inside containers); mount is refused outside `tsc-run unshare`
// with podman's message and prints the mount point inside it.

import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, cliArgv, disposeSandbox } from './run-util.js';

describe('volume export/import/mount', () => {
  let sb: Sandbox;
  const payload = randomBytes(2 << 20);
  const sum = createHash('sha256').update(payload).digest('hex');
  beforeAll(async () => {
    sb = await busyboxSandbox('volarchive', 'user');
  }, 120_000);
  afterAll(async () => {
    await disposeSandbox(sb);
  });
  const ok = (args: string[], input?: Buffer) => tscRunOk(args, { sandbox: sb, ...(input ? { input } : {}) });

  it('export then import keeps content and owners; - is stdin', async () => {
    await ok(['volume', 'create', 'src']);
    await ok(['run', '--rm', '-i', '-v', 'src:/data', 'bb', 'sh', '-c', 'cat > /data/blob && mkdir /data/d && echo owned > /data/d/f && chown -R 1000:2000 /data/d'], payload);
    const out = path.join(sb.dir, 'src.tar');
    sb.chown(sb.dir);
    await ok(['volume', 'export', '-o', out, 'src']);
    const listing = (await ok(['run', '--rm', '-v', `${out}:/in.tar:ro`, 'bb', 'tar', '-tvf', '/in.tar'])).stdout;
    expect(listing).toMatch(/1000\/2000 .* d\/f\n/);
    await ok(['volume', 'create', 'dst']);
    await ok(['volume', 'import', 'dst', out]);
    await ok(['volume', 'create', 'dst2']);
    await ok(['volume', 'import', 'dst2', '-'], fs.readFileSync(out));
    for (const v of ['dst', 'dst2']) {
      const r = await ok(['run', '--rm', '-v', `${v}:/data`, 'bb', 'sh', '-c', 'sha256sum /data/blob; stat -c "%u:%g %n" /data/d/f; cat /data/d/f']);
      expect(r.stdout).toBe(`${sum}  /data/blob\n1000:2000 /data/d/f\nowned\n`);
    }
  }, 120_000);

  it('export to a terminal-less stdout streams the same tar', async () => {
    const r = await tscRun(['volume', 'export', 'src'], { sandbox: sb });
    expect(r.exitCode).toBe(0);
    // (stdout is collected as text: the binary payload shrinks in decoding, the names stay)
    expect(r.stdout).toContain("d/f");
    expect(r.stdout.length).toBeGreaterThan(1 << 20);
  });

  it("refuses what podman refuses, with its messages", async () => {
    const cases: Array<[string[], string]> = [
      [['volume', 'export', 'nosuch'], 'Error: no such volume nosuch\n'],
      [['volume', 'import', 'dst', '/nonexistent.tar'], 'Error: open /nonexistent.tar: no such file or directory\n'],
      [['volume', 'import', 'dst'], 'Error: accepts 2 arg(s), received 1\n'],
      [['volume', 'mount', 'src'], 'Error: cannot run command "tsc-run volume mount" in rootless mode, must execute `tsc-run unshare` first\n'],
    ];
    for (const [args, err] of cases) {
      const r = await tscRun(args, { sandbox: sb });
      expect([r.exitCode, r.stderr]).toEqual([125, err]);
    }
    const bad = await tscRun(['volume', 'import', 'dst', '-'], { sandbox: sb, input: 'not a tar at all' });
    expect(bad.exitCode).toBe(125);
    expect(bad.stderr).toMatch(/^Error: [^\n]+\n$/);
  });

  it('mount inside unshare prints the mount point; unmount and reload have nothing to undo', async () => {
    const bin = cliArgv(sb, []).map((a) => `'${a}'`).join(' ');
    const r = await ok(['unshare', 'sh', '-c', `${bin} volume mount src && ${bin} volume unmount src && ${bin} volume reload`]);
    expect(r.stdout).toBe(`${path.join(sb.root, 'volumes', 'src', '_data')}\n`);
  });
});
