// `image trust show|set` as podman 4.3 prints and writes them (side by
// side on the same files through the hidden --policypath), and, rootless,
// on the policy the engine enforces: a user's first `set` makes their own
// ~/.config/containers/policy.json from the system's, and pulls obey it.
// Concurrent sets lose no edit.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import { disposeStore, emptyStore } from '../harness/fixtures.js';
import { buildBusyboxImage } from '../harness/images.js';
import { runProcess } from '../harness/proc.js';
import { pushImage, startRegistry, type Registry } from '../harness/registry.js';
import type { Sandbox } from '../harness/sandbox.js';
import { isRoot } from '../harness/user.js';

let reg: Registry;
let sb: Sandbox;
const SYSTEM = '/etc/containers/policy.json';

beforeAll(async () => {
  reg = await startRegistry();
  await pushImage(reg, 'locked/app', '1', await buildBusyboxImage({ config: { Cmd: ['true'] } }));
  sb = await emptyStore('image-trust-cli', 'user');
});
afterAll(async () => {
  await disposeStore(sb);
  await reg?.stop();
});

describe.runIf(fs.existsSync(SYSTEM))('image trust (rootless, the policy in force)', () => {
  const userFile = () => path.join(sb.home, '.config', 'containers', 'policy.json');

  it('show reads the system policy until the user has one; set makes the user\'s from it, and pull obeys it', async () => {
    expect((await tscRunOk(['image', 'trust', 'show', '--raw'], { sandbox: sb })).stdout).toBe(fs.readFileSync(SYSTEM, 'utf8') + '\n');
    await tscRunOk(['image', 'trust', 'set', '-t', 'reject', `${reg.host}/locked`], { sandbox: sb });
    const mine = JSON.parse(fs.readFileSync(userFile(), 'utf8')) as { default: unknown; transports: { docker: Record<string, unknown> } };
    expect(mine.default).toEqual((JSON.parse(fs.readFileSync(SYSTEM, 'utf8')) as { default: unknown }).default);
    expect(mine.transports.docker[`${reg.host}/locked`]).toEqual([{ type: 'reject' }]);
    expect(fs.statSync(userFile()).mode & 0o777).toBe(0o644);

    const table = (await tscRunOk(['image', 'trust', 'show'], { sandbox: sb })).stdout;
    expect(table).toMatch(new RegExp(`^repository +${reg.host.replace(/\./g, '\\.')}/locked +reject +$`, 'm'));
    const json = JSON.parse((await tscRunOk(['image', 'trust', 'show', '--json'], { sandbox: sb })).stdout) as Array<Record<string, string>>;
    expect(json.find((e) => e.name === `${reg.host}/locked`)).toEqual({ transport: 'repository', name: `${reg.host}/locked`, repo_name: `${reg.host}/locked`, type: 'reject' });

    const pull = await tscRun(['pull', '--tls-verify=false', `${reg.host}/locked/app:1`], { sandbox: sb });
    expect(pull.exitCode).toBe(125);
    expect(pull.stderr).toContain('is rejected by policy.');
    await tscRunOk(['image', 'trust', 'set', '-t', 'accept', `${reg.host}/locked`], { sandbox: sb });
    await tscRunOk(['pull', '-q', '--tls-verify=false', `${reg.host}/locked/app:1`], { sandbox: sb });
  });

  it('concurrent sets: every scope lands, the file is always whole', async () => {
    const scopes = Array.from({ length: 8 }, (_, i) => `${reg.host}/team${i}`);
    const results = await Promise.all(scopes.map((s) => tscRun(['image', 'trust', 'set', '-t', 'reject', s], { sandbox: sb })));
    for (const r of results) expect(r.exitCode, r.stderr).toBe(0);
    const docker = (JSON.parse(fs.readFileSync(userFile(), 'utf8')) as { transports: { docker: Record<string, unknown> } }).transports.docker;
    for (const s of scopes) expect(docker[s]).toEqual([{ type: 'reject' }]);
    expect(fs.readdirSync(path.dirname(userFile())).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('bad input: podman\'s messages, exit 125, the file untouched', async () => {
    const before = fs.readFileSync(userFile(), 'utf8');
    const cases: Array<[string[], string]> = [
      [['-t', 'bogus', 'x.io'], "Error: invalid choice: bogus (choose from 'accept', 'reject', 'signedBy', 'sigstoreSigned')\n"],
      [['x.io'], "Error: at least one public key must be defined for type 'signedBy'\n"],
      [['-t', 'accept', '-f', '/k', 'x.io'], 'Error: 1 public keys unexpectedly provided for trust type accept\n'],
      [['-t', 'accept'], 'Error: accepts 1 arg(s), received 0\n'],
    ];
    for (const [args, err] of cases) {
      expect(await tscRun(['image', 'trust', 'set', ...args], { sandbox: sb })).toMatchObject({ exitCode: 125, stderr: err });
    }
    expect(fs.readFileSync(userFile(), 'utf8')).toBe(before);
  });
});

describe.runIf(fs.existsSync('/usr/bin/podman') && isRoot())('image trust beside podman', () => {
  let dir: string;
  const podman = (args: string[]) => runProcess('podman', args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir }, timeoutMs: 60_000 });
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-run-trust-'));
    fs.chmodSync(dir, 0o755);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the same edits give byte-identical files, and show prints the same table, JSON and raw text', async () => {
    const start = JSON.stringify({
      default: [{ type: 'insecureAcceptAnything' }],
      transports: { docker: { 'quay.io/x': [{ type: 'sigstoreSigned', keyPath: '/k.pub' }] }, 'docker-daemon': { '': [{ type: 'insecureAcceptAnything' }] } },
    });
    const rd = path.join(dir, 'registries.d');
    fs.mkdirSync(rd);
    fs.writeFileSync(path.join(rd, 'sigs.yaml'), 'default-docker:\n  sigstore: file:///var/lib/sigs\ndocker:\n  quay.io/x:\n    lookaside: https://sigs.example.com\n');
    const edits = [
      ['-t', 'reject', '127.0.0.1:5000/locked'],
      ['-t', 'accept', 'default'],
      ['-t', 'sigstoreSigned', '-f', '/a.pub,/b.pub', 'quay.io/x'],
      ['-t', 'reject', 'docker.io/library'],
      ['-t', 'accept', 'registry.example.com'],
    ];
    const theirs = path.join(dir, 'theirs.json');
    const ours = path.join(dir, 'ours.json');
    fs.writeFileSync(theirs, start);
    fs.writeFileSync(ours, start);
    fs.chmodSync(dir, 0o777);
    fs.chmodSync(ours, 0o666);
    for (const e of edits) {
      const p = await podman(['image', 'trust', 'set', '--policypath', theirs, ...e]);
      const o = await tscRun(['image', 'trust', 'set', '--policypath', ours, ...e], { sandbox: sb });
      expect({ e, code: o.exitCode, err: o.stderr }).toEqual({ e, code: p.exitCode, err: p.stderr });
      expect(fs.readFileSync(ours, 'utf8')).toBe(fs.readFileSync(theirs, 'utf8'));
    }
    for (const flags of [[], ['--json'], ['--raw'], ['-n'], ['--registrypath', rd], ['--registrypath', rd, '--json']]) {
      const p = await podman(['image', 'trust', 'show', '--policypath', theirs, ...flags]);
      const o = await tscRun(['image', 'trust', 'show', '--policypath', ours, ...flags], { sandbox: sb });
      expect({ flags, code: o.exitCode, out: o.stdout }).toEqual({ flags, code: p.exitCode, out: p.stdout });
    }
  });
});
