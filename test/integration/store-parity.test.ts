// Storage-side differences from podman 4.3 (issue 9), each checked beside
// podman here: the events of a run that pulls, a volume copied up onto /etc,
// /etc/mtab and what system df counts, a damaged image under prune and reset,
// info's remoteSocket and CONTAINER_HOST.
// As the test user.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxCli, tscRun, type Sandbox } from '../harness/index.js';
import { disposeStore, emptyStore } from '../harness/fixtures.js';
import { buildBusyboxImage } from '../harness/images.js';
import { pushImage, startRegistry, type Registry } from '../harness/registry.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

let sb: Sandbox;
let reg: Registry;
// `ok`: exit 0 and nothing on stderr.
const { cli, ok } = sandboxCli(() => sb, { timeoutMs: 120_000, quiet: true });
beforeAll(async () => {
  [sb, reg] = await Promise.all([busyboxSandbox('store-parity', 'user'), startRegistry()]);
  await pushImage(reg, 'bb', '1', await buildBusyboxImage({}));
});
afterAll(async () => {
  await disposeSandbox(sb);
  await reg.stop();
});

describe('events of a run that pulls', () => {
  it('run and create write image pull, naming the image as given, without an id (podman 4.3)', async () => {
    const ref = `${reg.host}/bb:1`;
    const since = new Date().toISOString();
    const run = await cli(['run', '--rm', '-q', '--tls-verify=false', ref, 'true']);
    expect([run.exitCode, run.stderr]).toEqual([0, '']);
    // Here already: no pull, no event (--pull=missing).
    await ok(['create', '--name', 'again', ref, 'true']);
    await ok(['create', '--name', 'always', '-q', '--pull=always', '--tls-verify=false', ref, 'true']);
    const events = await ok(['events', '--stream=false', '--since', since, '--filter', 'type=image', '--format', '{{.Status}} {{.Name}} [{{.ID}}]']);
    expect(events).toBe(`pull ${ref} []\npull ${ref} []\n`);
    await ok(['rm', 'again', 'always']);
  });
});

describe('a volume on /etc', () => {
  it('is copied up from the image only; the generated hosts, hostname and resolv.conf are bound on it', async () => {
    await ok(['volume', 'create', 'etcvol']);
    const inside = await ok(['run', '--rm', '--name', 'etcuser', '--hostname', 'etc-host', '-v', 'etcvol:/etc', 'bb', 'sh', '-c', 'cat /etc/hostname; grep -c etc-host /etc/hosts; grep -c nameserver /etc/resolv.conf']);
    expect(inside).toBe('etc-host\n1\n1\n');
    // In the volume: the image's files (or empty mount points, as podman's runtime leaves), none of ours.
    const vol = await ok(['run', '--rm', '-v', 'etcvol:/mnt', 'bb', 'sh', '-c', 'cd /mnt; ls; cat hostname hosts resolv.conf']);
    expect(vol).toMatch(/^passwd$/m);
    expect(vol).toMatch(/^hosts$/m);
    expect(vol).not.toMatch(/etc-host|nameserver|etcuser/);
    // Read-only: the mount points are made before it turns read-only, and the binds on it stay writable (podman's).
    expect(await ok(['run', '--rm', '--hostname', 'ro-host', '-v', 'etcvol:/etc:ro', 'bb', 'sh', '-c', 'cat /etc/hostname; touch /etc/x 2>/dev/null || echo ro; echo >> /etc/hosts && echo hosts-writable'])).toBe('ro-host\nro\nhosts-writable\n');
    expect(await ok(['run', '--rm', '--tmpfs', '/etc:ro', 'bb', 'sh', '-c', 'grep -c root /etc/passwd; ls /etc/hosts; touch /etc/x 2>/dev/null || echo ro'])).toBe('1\n/etc/hosts\nro\n');
    // A later container still gets its own files on top, not the first one's.
    expect(await ok(['run', '--rm', '--hostname', 'second', '-v', 'etcvol:/etc', 'bb', 'cat', '/etc/hostname'])).toBe('second\n');
  });
});

describe('/etc/mtab and system df', () => {
  it('every container gets /etc/mtab -> /proc/mounts where the image has none: 12 B of its writable layer, hidden from diff (podman 4.3)', async () => {
    expect(await ok(['run', '--name', 'mt', 'bb', 'readlink', '/etc/mtab'])).toBe('/proc/mounts\n');
    expect(await ok(['diff', 'mt'])).not.toMatch(/mtab/);
    await ok(['create', '--name', 'fresh', 'bb', 'true']);
    const sizes = await ok(['system', 'df', '-v']);
    expect(sizes).toMatch(/^[0-9a-f]{12} .* 12B .* mt$/m);
    expect(sizes).toMatch(/^[0-9a-f]{12} .* 0B .* fresh$/m);
    expect((await ok(['system', 'df', '--format', '{{json .}}'])).split('\n')[1]).toBe('{"Type":"Containers","Total":2,"Active":0,"Size":12,"Reclaimable":12}');
    // An image's own /etc/mtab stays as it is.
    await ok(['commit', '-q', 'mt', 'withmtab']);
    await ok(['run', '--rm', 'bb', 'true']);
    expect(await ok(['run', '--rm', 'withmtab', 'readlink', '/etc/mtab'])).toBe('/proc/mounts\n');
    await ok(['rm', 'mt', 'fresh']);
    await ok(['rmi', 'withmtab']);
  });
});

describe('a damaged image (330-corrupt-images)', () => {
  it('image prune -a removes it with podman\'s two warnings (prune without -a keeps a tagged one); system reset warns as podman\'s rmi -a -f', async () => {
    const store = await emptyStore('store-parity-damaged');
    const on = (args: string[]) => tscRun(args, { sandbox: store, timeoutMs: 120_000 });
    const damage = async () => {
      const pulled = await on(['pull', '-q', '--tls-verify=false', `${reg.host}/bb:1`]);
      expect(pulled.exitCode, pulled.stderr).toBe(0);
      const id = pulled.stdout.trim();
      fs.rmSync(path.join(store.root, 'blobs', 'sha256', id));
      return id;
    };
    const located = (id: string) => `locating item named "sha256:${id}" for image with ID "${id}" (consider removing the image to resolve the issue): file does not exist`;
    const warning = (msg: string) => `time="[^"]+" level=warning msg="${msg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/"/g, '\\\\"')}"\n`;
    try {
      const id = await damage();
      expect((await on(['images'])).exitCode).toBe(125);
      expect(await on(['image', 'prune', '-f'])).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
      const pruned = await on(['image', 'prune', '-a', '-f']);
      expect([pruned.exitCode, pruned.stdout]).toEqual([0, `${id}\n`]);
      expect(pruned.stderr).toMatch(new RegExp(`^${warning(`Failed to determine if an image is a parent: ${located(id)}, ignoring the error`)}${warning(`Failed to determine parent of image: ${located(id)}, ignoring the error`)}$`));
      expect(await on(['images', '-a', '--noheading'])).toMatchObject({ exitCode: 0, stdout: '' });
      expect(fs.readdirSync(path.join(store.root, 'blobs', 'sha256'))).toEqual([]);
      const again = await damage();
      const reset = await on(['system', 'reset', '-f']);
      expect(reset.exitCode).toBe(0);
      expect(reset.stderr).toMatch(new RegExp(`^${warning(`Failed to determine parent of image: ${located(again)}, ignoring the error`)}$`));
      expect(fs.existsSync(path.join(store.root, 'images.json'))).toBe(false);
    } finally {
      await disposeStore(store);
    }
  });
});

describe('remote access', () => {
  it("info shows where a service's socket would be, without exists (podman's omitempty) while there is none", async () => {
    const xdg = (await ok(['unshare', 'sh', '-c', 'echo $XDG_RUNTIME_DIR'])).trim();
    const sock = `${xdg}/tsc-run/tsc-run.sock`;
    expect(await ok(['info', '--format', '{{json .Host.RemoteSocket}} {{.Host.RemoteSocket.Path}} {{.Host.RemoteSocket.Exists}}'])).toBe(`{"path":"${sock}"} ${sock} false\n`);
    expect(await ok(['info'])).toContain(`  remoteSocket:\n    path: ${sock}\n`);
  });

  it('CONTAINER_HOST or CONTAINER_CONNECTION (podman: remote mode) is refused with the reason, unless --remote=false', async () => {
    for (const [name, value] of [['CONTAINER_HOST', 'unix:///run/x.sock'], ['CONTAINER_CONNECTION', '']] as const) {
      const r = await tscRun(['ps', '-a'], { sandbox: sb, env: { [name]: value } });
      expect(r).toMatchObject({ exitCode: 125, stdout: '', stderr: `Error: ${name} is set: tsc-run has no remote client, only the local engine (unset ${name}, or pass --remote=false)\n` });
    }
    // Local, and what the engine starts itself does not see it either.
    const local = await tscRun(['--remote=false', 'run', '--rm', 'bb', 'true'], { sandbox: sb, env: { CONTAINER_HOST: 'unix:///run/x.sock' } });
    expect([local.exitCode, local.stderr]).toEqual([0, '']);
  });
});
