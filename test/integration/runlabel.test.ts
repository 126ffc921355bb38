// `container runlabel`: an image's label run as its command, with podman's
// substitutions (podman → this program, IMAGE, NAME, $OPT1, extra args),
// --display, --replace, the command's exit code, and the refusals.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busyboxStore, disposeStore, tscRun, tscRunOk, type BusyboxStore } from '../harness/index.js';

let sb: BusyboxStore;
const run = (args: string[]) => tscRun(args, { sandbox: sb, cwd: sb.dir });

beforeAll(async () => {
  sb = await busyboxStore('runlabel');
  const ctx = path.join(sb.dir, 'ctx');
  fs.mkdirSync(ctx);
  fs.writeFileSync(
    path.join(ctx, 'Containerfile'),
    'FROM bb\nLABEL RUN="podman run --rm --name NAME IMAGE echo NAME \\$OPT1" fail=false\nLABEL install="podman run --name NAME IMAGE true"\n',
  );
  sb.chown(ctx);
  sb.chown(path.join(ctx, 'Containerfile'));
  await tscRunOk(['build', '-q', '-t', 'localhost/app', ctx], { sandbox: sb });
});
afterAll(() => disposeStore(sb));

describe('container runlabel (test user)', () => {
  it('runs the label\'s command with this program, the image and a name filled in', async () => {
    const shown = await run(['container', 'runlabel', '--display', 'run', 'app']);
    expect(shown).toMatchObject({ exitCode: 0, stdout: `command: tsc-run --root ${sb.root} --runroot ${sb.runroot} run --rm --name app localhost/app:latest echo app\n` });
    const r = await run(['container', 'runlabel', '--opt1', 'one', '--name', 'other', 'RUN', 'app', 'extra']);
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toBe('other one extra\n');
  });

  it('--replace removes a container of that name first; the command\'s exit code is ours', async () => {
    expect((await run(['container', 'runlabel', 'install', 'app'])).exitCode).toBe(0);
    expect((await run(['container', 'runlabel', 'install', 'app'])).exitCode).toBe(125); // the name is taken
    expect((await run(['container', 'runlabel', '--replace', 'install', 'app'])).exitCode).toBe(0);
    expect((await run(['container', 'runlabel', 'fail', 'app'])).exitCode).toBe(1);
    await run(['rm', '-f', 'app']);
  });

  it('refuses a label the image lacks, and too few arguments', async () => {
    expect(await run(['container', 'runlabel', 'nosuch', 'app'])).toMatchObject({ exitCode: 125, stderr: 'Error: cannot find the value of label: nosuch in image: app\n' });
    expect(await run(['container', 'runlabel', 'run'])).toMatchObject({ exitCode: 125, stderr: 'Error: requires at least 2 arg(s), only received 1\n' });
  });
});
