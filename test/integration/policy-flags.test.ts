// podman's hidden --signature-policy on build, kube play and container
// runlabel: the named policy.json judges the images they pull, as on pull
// (a rejected one fails with podman's message and is not stored), whatever
// the user's own policy says.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import { disposeStore, emptyStore } from '../harness/fixtures.js';
import { buildBusyboxImage } from '../harness/images.js';
import { pushImage, startRegistry, type Registry } from '../harness/registry.js';
import type { Sandbox } from '../harness/sandbox.js';

let reg: Registry;
let sb: Sandbox;
let rejectFile: string;
let ref: string;

beforeAll(async () => {
  reg = await startRegistry();
  const img = await buildBusyboxImage({ config: { Cmd: ['echo', 'admitted'], Labels: { RUN: 'echo runlabel IMAGE' } } });
  await pushImage(reg, 'pol/app', '1', img);
  ref = `${reg.host}/pol/app:1`;
  sb = await emptyStore('policy-flags', 'user');
  rejectFile = path.join(sb.dir, 'reject.json');
  fs.writeFileSync(rejectFile, JSON.stringify({ default: [{ type: 'reject' }] }));
  sb.chown(rejectFile);
});
afterAll(async () => {
  await disposeStore(sb);
  await reg?.stop();
});

describe('--signature-policy on build, kube play and runlabel', () => {
  const run = (args: string[]) => tscRun(args, { sandbox: sb, timeoutMs: 90_000 });
  const rejected = () => `Source image rejected: Running image docker://${ref} is rejected by policy.`;
  const images = async () => (await tscRunOk(['images', '-q'], { sandbox: sb })).stdout;

  it('build: a rejected base image fails the build and is not stored', async () => {
    const ctx = path.join(sb.dir, 'ctx');
    fs.mkdirSync(ctx);
    fs.writeFileSync(path.join(ctx, 'Containerfile'), `FROM ${ref}\nRUN true\n`);
    sb.chown(ctx);
    sb.chown(path.join(ctx, 'Containerfile'));
    const r = await run(['build', '--tls-verify=false', '--signature-policy', rejectFile, '-t', 'built:1', ctx]);
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toContain(rejected());
    expect(await images()).toBe('');
  });

  it('kube play: a rejected image fails the play', async () => {
    const yaml = path.join(sb.dir, 'pod.yaml');
    fs.writeFileSync(yaml, `apiVersion: v1\nkind: Pod\nmetadata:\n  name: polpod\nspec:\n  containers:\n  - name: app\n    image: ${ref}\n`);
    sb.chown(yaml);
    const r = await run(['kube', 'play', '--tls-verify=false', '--signature-policy', rejectFile, yaml]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain(rejected());
    expect(await images()).not.toContain('pol/app');
    await run(['kube', 'down', yaml]);
  });

  it('container runlabel: a rejected image is not pulled; a missing policy file is podman\'s error; an accepting one lets it in', async () => {
    const r = await run(['container', 'runlabel', '--tls-verify=false', '--signature-policy', rejectFile, '--display', 'RUN', ref]);
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toContain(rejected());
    const missing = await run(['container', 'runlabel', '--tls-verify=false', '--signature-policy', path.join(sb.dir, 'nope.json'), '--display', 'RUN', ref]);
    expect(missing.exitCode).toBe(125);
    expect(missing.stderr).toContain(`open ${path.join(sb.dir, 'nope.json')}: no such file or directory`);
    expect(await images()).toBe('');
    const acceptFile = path.join(sb.dir, 'accept.json');
    fs.writeFileSync(acceptFile, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
    sb.chown(acceptFile);
    const ok = await run(['container', 'runlabel', '-q', '--tls-verify=false', '--signature-policy', acceptFile, '--display', 'RUN', ref]);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^command: .*runlabel /);
  });
});
