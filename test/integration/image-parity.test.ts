// Image commands beside podman 4.3's observed behaviour: load of a payload
// that is no image archive (podman's message, no progress output), the
// Go-template fields scripts read from images/history, save | load keeping
// the saved name. As the test user.

import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import { busyboxStore, disposeStore, emptyStore, type BusyboxStore } from '../harness/fixtures.js';
import type { Sandbox } from '../harness/sandbox.js';

let sb: BusyboxStore;
let other: Sandbox;
beforeAll(async () => {
  sb = await busyboxStore('image-parity');
  other = await emptyStore('image-parity-load');
});
afterAll(async () => {
  await disposeStore(sb);
  await disposeStore(other);
});

const run = (args: string[], input?: Buffer) => tscRun(args, { sandbox: sb, ...(input ? { input } : {}) });

describe('load of something that is not an image archive', () => {
  it("says podman's message, exits 125, and prints no progress (not even without -q)", async () => {
    const saved = (await tscRunOk(['save', '-q', '-o', 'bb.tar', 'bb'], { sandbox: sb, cwd: sb.dir })).exitCode;
    expect(saved).toBe(0);
    const cases: Array<[string, string]> = [
      ['random bytes', sb.file('junk.bin', crypto.randomBytes(5000))],
      ['text', sb.file('text.txt', 'hello\n')],
      ['empty', sb.file('empty.tar', Buffer.alloc(0))],
      ['truncated tar', sb.file('trunc.tar', fs.readFileSync(`${sb.dir}/bb.tar`).subarray(0, 100_000))],
    ];
    for (const [label, file] of cases) {
      const r = await run(['load', '-i', file]);
      expect(r.exitCode, label).toBe(125);
      expect(r.stdout, label).toBe('');
      expect(r.stderr, label).toMatch(/^Error: payload does not match any of the supported image formats[^\n]*\n$/);
    }
    const piped = await run(['load'], crypto.randomBytes(3000));
    expect(piped).toMatchObject({ exitCode: 125, stdout: '' });
    expect(piped.stderr).toMatch(/^Error: payload does not match any of the supported image formats[^\n]*\n$/);
  });

  it('save | load keeps the saved name (docker-archive and oci-archive)', async () => {
    for (const format of ['docker-archive', 'oci-archive']) {
      const r = await tscRun(['save', '-q', '--format', format, '-o', `${format}.tar`, 'bb'], { sandbox: sb, cwd: sb.dir });
      expect(r.exitCode, r.stderr).toBe(0);
      const file = `${sb.dir}/${format}.tar`;
      const l = await tscRun(['load', '-q', '-i', file], { sandbox: other });
      expect(l, format).toMatchObject({ exitCode: 0, stdout: 'Loaded image: localhost/bb:latest\n' });
      expect((await tscRunOk(['images', '--format', '{{.Repository}}:{{.Tag}} {{.Id}}'], { sandbox: other })).stdout).toBe(`localhost/bb:latest ${sb.image.id}\n`);
      await tscRunOk(['rmi', 'bb'], { sandbox: other });
    }
  });
});

describe('template fields', () => {
  it('images: .ID short, .Id full, .Digest, .RepoTags, .CreatedAt as Go prints a time', async () => {
    const r = await tscRunOk(['images', '--format', '{{.ID}} {{.Id}} {{.Digest}} {{.RepoTags}} {{.CreatedAt}}', 'bb'], { sandbox: sb });
    const id = sb.image.id;
    expect(r.stdout).toMatch(new RegExp(`^${id.slice(0, 12)} ${id} sha256:[0-9a-f]{64} \\[localhost/bb:latest\\] \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d+)? \\+0000 UTC\\n$`));
    const inspect = await tscRunOk(['image', 'inspect', '--format', '{{.ID}} {{.Id}} {{.Digest}} {{.RepoTags}}', 'bb'], { sandbox: sb });
    expect(inspect.stdout).toMatch(new RegExp(`^${id} ${id} sha256:[0-9a-f]{64} \\[localhost/bb:latest\\]\\n$`));
  });

  it('history: .CreatedAt in whole seconds as podman (2022-06-15 00:00:00 +0000 UTC)', async () => {
    const r = await tscRunOk(['history', '--format', '{{.CreatedAt}}', 'bb'], { sandbox: sb });
    expect(r.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC\n$/);
  });
});
