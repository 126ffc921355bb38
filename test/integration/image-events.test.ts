// Image events as podman 4.3 writes them (libimage; 090-events.bats "image
// events"): save names the archive, load is one `loadfromarchive` naming it
// without an id, pull names the reference as given without an id, tag the
// name as given, rmi a `remove` named as referenced (also when it only
// untags). As the test user.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

describe('image events as podman 4.3', () => {
  let sb: Sandbox;
  const cli = (args: string[]) => tscRun(args, { sandbox: sb, timeoutMs: 120_000 });
  const ok = async (args: string[]) => {
    const r = await cli(args);
    expect(r.exitCode, `${args.join(' ')}\n${r.stderr}`).toBe(0);
    return r.stdout;
  };
  beforeAll(async () => {
    sb = await busyboxSandbox('image-events', 'user');
  });
  afterAll(() => disposeSandbox(sb));

  it('push, save, load, pull, tag, untag, rmi', async () => {
    const id = (await ok(['image', 'inspect', '--format', '{{.ID}}', 'bb'])).trim();
    const dir = path.join(sb.dir, 'pushed');
    const ball = path.join(sb.dir, 'ball.tar');
    await ok(['push', 'bb', `dir:${dir}`]);
    await ok(['save', '-o', ball, 'bb']);
    await ok(['load', '-i', ball]);
    await ok(['pull', `docker-archive:${ball}`]);
    await ok(['tag', 'bb', 'registry.com/evt']);
    await ok(['untag', 'bb', 'registry.com/evt']);
    await ok(['tag', 'bb', 'registry.com/evt', 'registry.com/two:t']);
    await ok(['rmi', 'registry.com/two:t']); // untags only
    await ok(['rmi', '-f', id]);
    await ok(['load', '-i', ball]);
    const out = await ok(['events', '--stream=false', '--filter', 'type=image', '--format', '{{.Status}}--{{.ID}}--{{.Name}}']);
    expect(out.split('\n').filter((l) => l && !l.startsWith('import'))).toEqual([
      `push--${id}--dir:${dir}`,
      `save--${id}--${ball}`,
      `loadfromarchive----${ball}`,
      `pull----docker-archive:${ball}`,
      `tag--${id}--registry.com/evt`,
      `untag--${id}--registry.com/evt:latest`,
      `tag--${id}--registry.com/evt`,
      `tag--${id}--registry.com/two:t`,
      `untag--${id}--registry.com/two:t`,
      `remove--${id}--registry.com/two:t`,
      ...['localhost/bb:latest', 'registry.com/evt:latest'].map((n) => `untag--${id}--${n}`),
      `remove--${id}--${id}`,
      `loadfromarchive----${ball}`,
    ]);
  });
});
