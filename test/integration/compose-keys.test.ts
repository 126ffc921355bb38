// The service keys that no other compose test reaches, each seen
// where it acts (inspect, /proc inside the container): working_dir,
// hostname, expose, tmpfs, cap_add, cap_drop, security_opt, stdin_open,
// tty, userns_mode (the engine takes it off bridge networks only), logging,
// pull_policy.

import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../harness/sandbox.js';
import { tscRunOk } from '../harness/cli.js';
import { busyboxSandbox, composeProjects, disposeSandbox } from './run-util.js';

let sb: Sandbox;
const { projectDir, compose, composeOk } = composeProjects(() => sb);

beforeAll(async () => {
  sb = await busyboxSandbox('compose-keys', 'user');
}, 120_000);

afterAll(async () => {
  await disposeSandbox(sb);
});

describe('compose service keys', () => {
  it('each key reaches the container', async () => {
    const dir = projectDir('ks', {
      'compose.yaml': `services:
  k:
    image: bb
    command: ["sleep", "1000"]
    working_dir: /tmp/wd
    hostname: kitchen
    expose: ["3000", "4000-4001/udp"]
    tmpfs: [/scratch]
    cap_add: [NET_ADMIN]
    cap_drop: [CHOWN]
    security_opt: [no-new-privileges]
    stdin_open: true
    tty: true
    userns_mode: keep-id
    network_mode: none
    logging:
      driver: k8s-file
      options: {max-size: 1mb}
`,
    });
    await composeOk(dir, ['up', '-d']);
    const fmt = '{{.Config.WorkingDir}}|{{.Config.Hostname}}|{{range $k, $v := .Config.ExposedPorts}}{{$k}} {{end}}|{{.Config.OpenStdin}} {{.Config.Tty}}|{{.HostConfig.LogConfig.Type}} {{.HostConfig.LogConfig.Size}}';
    expect((await tscRunOk(['inspect', '--format', fmt, 'ks-k-1'], { sandbox: sb })).stdout).toBe('/tmp/wd|kitchen|3000/tcp 4000/udp 4001/udp |true true|k8s-file 1MB\n');
    const inside = (await composeOk(dir, ['exec', '-T', 'k', 'sh', '-c', 'pwd; hostname; grep " /scratch " /proc/mounts | cut -d" " -f3; grep -E "^(CapEff|NoNewPrivs)" /proc/self/status; id -u'])).stdout.split('\n');
    expect(inside.slice(0, 3)).toEqual(['/tmp/wd', 'kitchen', 'tmpfs']);
    const eff = BigInt(`0x${/CapEff:\s*([0-9a-f]+)/.exec(inside[3]!)![1]}`);
    expect(eff & (1n << 12n)).toBe(1n << 12n);
    expect(eff & 1n).toBe(0n);
    expect(inside[4]).toMatch(/^NoNewPrivs:\s*1$/);
    // keep-id: the user's own (non-root) uid inside, where root would be 0.
    expect(Number(inside[5])).toBeGreaterThan(0);
    await composeOk(dir, ['down', '-t', '0']);
  }, 120_000);

  it('links: SERVICE:ALIAS makes a dependency and names the service by the alias on their network', async () => {
    const dir = projectDir('ln', {
      'compose.yaml': 'services:\n  a:\n    image: bb\n    command: ["sleep", "1000"]\n    links: ["b:bee", "b"]\n  b:\n    image: bb\n    command: ["sleep", "1000"]\n',
    });
    expect((await composeOk(dir, ['config'])).stdout).toContain('    depends_on:\n      b:\n        condition: service_started\n');
    await composeOk(dir, ['up', '-d', 'a']);
    const r = await composeOk(dir, ['exec', '-T', 'a', 'nslookup', 'bee']);
    const ip = (await tscRunOk(['inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', 'ln-b-1'], { sandbox: sb })).stdout.trim();
    expect(ip).not.toBe('');
    expect(r.stdout).toContain(ip);
    await composeOk(dir, ['down', '-t', '0']);
  }, 120_000);

  // podman-compose's own examples (Debian's package): what it accepts, we accept.
  const examples = ['/usr/share/doc/podman-compose/examples/busybox/docker-compose.yaml', '/usr/share/doc/podman-compose/examples/awx3/docker-compose.yml'];
  it.skipIf(!fs.existsSync(examples[0]!))('loads the compose files of podman-compose\'s examples', async () => {
    for (const f of examples) {
      const r = await compose(sb.dir, ['-f', f, '-p', 'pcx', 'config', '--services']);
      expect(r.exitCode, `${f}: ${r.stderr}`).toBe(0);
      expect(r.stdout).not.toBe('');
    }
  }, 60_000);

  it('pull_policy never: a missing image fails before anything is created', async () => {
    const dir = projectDir('pp', { 'compose.yaml': 'services:\n  x:\n    image: localhost/not-here:1\n    pull_policy: never\n' });
    const r = await compose(dir, ['up', '-d']);
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toContain('pull_policy is never');
    expect((await tscRunOk(['ps', '-a', '--filter', 'label=com.docker.compose.project=pp', '-q'], { sandbox: sb })).stdout).toBe('');
  }, 60_000);
});
