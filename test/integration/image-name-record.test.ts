// A container remembers the image name it was made from, as podman: with two
// tags on one image, `ps` and `inspect` show the tag that was given; by id,
// the image's first name.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRunOk } from '../harness/cli.js';
import type { Sandbox } from '../harness/sandbox.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await busyboxSandbox('image-name-record', 'user');
}, 180_000);
afterAll(async () => {
  await disposeSandbox(sb);
});
const ok = async (args: string[]) => (await tscRunOk(args, { sandbox: sb })).stdout.trim();

describe('the image name a container records', () => {
  it('is the tag given, or the first name when given an id', async () => {
    await ok(['tag', 'bb', 'second:v2']);
    const id = await ok(['image', 'inspect', '--format', '{{.Id}}', 'bb']);
    await ok(['create', '--name', 'by-second', 'second:v2', 'true']);
    await ok(['create', '--name', 'by-bb', 'bb', 'true']);
    await ok(['create', '--name', 'by-id', id.slice(0, 12), 'true']);
    expect(await ok(['ps', '-a', '--filter', 'name=by-', '--format', '{{.Names}} {{.Image}}', '--sort', 'names'])).toBe(
      'by-bb localhost/bb:latest\nby-id localhost/bb:latest\nby-second localhost/second:v2',
    );
    expect(await ok(['inspect', '--format', '{{.ImageName}}', 'by-second'])).toBe('localhost/second:v2');
  }, 60_000);
});
