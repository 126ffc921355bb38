// The global --network-config-dir (podman 4.3's, honoured rootless too):
// network configs are created, listed, inspected and removed in that
// directory instead of the store's networks/; without the flag they are
// not seen.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import { disposeStore, emptyStore } from '../harness/fixtures.js';
import type { Sandbox } from '../harness/sandbox.js';

let sb: Sandbox;

beforeAll(async () => {
  sb = await emptyStore('network-config-dir');
});
afterAll(async () => {
  await disposeStore(sb);
});

describe('--network-config-dir', () => {
  it('keeps network configs in the named directory', async () => {
    const dir = path.join(sb.dir, 'netconf');
    const flag = ['--network-config-dir', dir];
    expect((await tscRunOk([...flag, 'network', 'create', '--subnet', '10.97.3.0/24', 'elsewhere'], { sandbox: sb })).stdout).toBe('elsewhere\n');
    const conf = JSON.parse(fs.readFileSync(path.join(dir, 'elsewhere.json'), 'utf8')) as { name: string; subnets: Array<{ subnet: string }> };
    expect(conf.name).toBe('elsewhere');
    expect(conf.subnets[0]!.subnet).toBe('10.97.3.0/24');
    expect(fs.existsSync(path.join(sb.root, 'networks', 'elsewhere.json'))).toBe(false);
    expect((await tscRunOk([...flag, 'network', 'ls', '--format', '{{.Name}}'], { sandbox: sb })).stdout.split('\n')).toContain('elsewhere');
    expect((await tscRunOk(['network', 'ls', '--format', '{{.Name}}'], { sandbox: sb })).stdout.split('\n')).not.toContain('elsewhere');
    expect((await tscRun(['network', 'inspect', 'elsewhere'], { sandbox: sb })).exitCode).toBe(125);
    expect((await tscRunOk([...flag, 'network', 'inspect', '--format', '{{.Name}}', 'elsewhere'], { sandbox: sb })).stdout).toBe('elsewhere\n');
    expect((await tscRunOk([...flag, 'network', 'rm', 'elsewhere'], { sandbox: sb })).stdout).toBe('elsewhere\n');
    expect(fs.existsSync(path.join(dir, 'elsewhere.json'))).toBe(false);
  });
});
