// Every Go-template field `--format '{{.<TAB>` offers (src/cli/completion/
// format-fields.ts) renders on that command, against the test user's real
// container, pod, image, network, volume, secret and events; and what
// podman 4.3 shows through fields that are not in its JSON: `ps --ns`, the
// omitempty fields at their zero value, events' PodID, health_status and
// network connect/disconnect events.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORMAT_FIELDS } from '../../src/cli/completion/format-fields.js';
import { runAs, tscRun, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, sandboxCli } from './run-util.js';

let sb: Sandbox;
const { ok } = sandboxCli(() => sb);

beforeAll(async () => {
  sb = await busyboxSandbox('format-fields', 'user');
  await ok(['pod', 'create', '--name', 'fpod']);
  await ok(['network', 'create', 'fnet']);
  await ok(['run', '-d', '--name', 'fctr', '--pod', 'fpod', 'bb', 'sleep', '1000']);
  await ok(['run', '-d', '--name', 'fbr', '--network', 'fnet', 'bb', 'sleep', '1000']);
  await ok(['volume', 'create', 'fvol']);
  sb.file('secret.txt', 'hush');
  await ok(['secret', 'create', 'fsec', path.join(sb.dir, 'secret.txt')]);
}, 240_000);
afterAll(async () => {
  await tscRun(['rm', '-f', '-t', '0', 'fctr', 'fbr'], { sandbox: sb });
  await tscRun(['pod', 'rm', '-f', 'fpod'], { sandbox: sb });
  await disposeSandbox(sb);
});

/** What each command needs to print something (610-format.bats' table). */
const EXTRA: Record<string, string[]> = {
  'container inspect': ['fctr'],
  'container list': ['-a'],
  'container ps': ['-a'],
  ps: ['-a'],
  'container stats': ['--no-stream'],
  stats: ['--no-stream'],
  'pod stats': ['--no-stream'],
  history: ['bb'],
  'image history': ['bb'],
  'image inspect': ['bb'],
  'network inspect': ['fnet'],
  'pod inspect': ['fpod'],
  'secret inspect': ['fsec'],
  'volume inspect': ['fvol'],
  events: ['--stream=false'],
};

describe('--format fields offered by completion', () => {
  // search needs a registry: search.test.ts covers its fields.
  const commands = Object.keys(FORMAT_FIELDS).filter((c) => !/search$/.test(c));
  it.each(commands)('%s renders every field it offers', async (command) => {
    const leaves = FORMAT_FIELDS[command]!.split(' ').filter((f) => !f.endsWith('.'));
    // version: a local podman runs a template on Client or (failing that) on Server, never both at once.
    const groups = command === 'version' ? [leaves.filter((f) => f.startsWith('Client.')), leaves.filter((f) => f.startsWith('Server.'))] : [leaves];
    for (const fields of groups) {
      const sep = '<%>';
      const template = fields.map((f) => `{{.${f}}}`).join(sep) + sep;
      const r = await tscRun([...command.split(' '), ...(EXTRA[command] ?? []), '--format', template], { sandbox: sb, timeoutMs: 60_000 });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      // At least one record rendered, with every field.
      expect(r.stdout.split(sep).length - 1).toBeGreaterThanOrEqual(fields.length);
    }
  });

  it('completes a field inside a struct, after what was typed before', async () => {
    const r = await tscRun(['container', 'inspect', '--format', '{{.ID}} {{.State.Sta'], { sandbox: sb, leading: ['__completeNoDesc'] });
    expect(r.stdout).toBe('{{.ID}} {{.State.Status}}\n{{.ID}} {{.State.StartedAt.\n:6\n');
    expect((await tscRun(['ps', '--format', ''], { sandbox: sb, leading: ['__completeNoDesc'] })).stdout).toBe('json\n:4\n');
    expect((await tscRun(['save', '--format', 'oci'], { sandbox: sb, leading: ['__completeNoDesc'] })).stdout).toBe('oci-dir\noci-archive\n:4\n');
  });
});

describe('fields podman has beyond its JSON', () => {
  it('ps --ns shows the namespaces of a running container, as /proc links them', async () => {
    const pid = (await ok(['inspect', '--format', '{{.State.Pid}}', 'fbr'])).trim();
    const table = await ok(['ps', '--ns', '--filter', 'name=fbr']);
    const [head, row] = table.trimEnd().split('\n');
    expect(head!.split(/\s{2,}/)).toEqual(['CONTAINER ID', 'NAMES', 'PID', 'CGROUPNS', 'IPC', 'MNT', 'NET', 'PIDNS', 'USERNS', 'UTS']);
    const cells = row!.split(/\s+/);
    expect(cells.slice(1, 3)).toEqual(['fbr', pid]);
    // Read as the same user, the way a script would check it.
    const net = (await runAs(sb.as, 'readlink', [`/proc/${pid}/ns/net`])).stdout.trim();
    expect(`net:[${cells[6]}]`).toBe(net);
    const json = JSON.parse(await ok(['ps', '--ns', '--format', 'json', '--filter', 'name=fbr'])) as Array<{ Namespaces: Record<string, string> }>;
    expect(Object.keys(json[0]!.Namespaces)).toEqual(['Mnt', 'Cgroup', 'Ipc', 'Net', 'Pidns', 'Uts', 'User']);
    expect(await ok(['ps', '--ns', '--format', '{{.Namespaces.NET}}={{.NET}}', '--filter', 'name=fbr'])).toBe(`${cells[6]}=${cells[6]}\n`);
    // Without --ns podman leaves them empty.
    expect(await ok(['ps', '--format', '[{{.NET}}]', '--filter', 'name=fbr'])).toBe('[]\n');
  });

  it('omitempty fields read as Go\'s zero values but stay out of the JSON', async () => {
    expect(await ok(['inspect', '--format', '{{.SizeRw}} {{.SizeRootFs}} {{.State.Checkpointed}} {{.HostConfig.Init}} {{.NetworkSettings.AdditionalMacAddresses}}', 'fctr'])).toBe('<nil> 0 false false []\n');
    expect(await ok(['inspect', '--format', '{{.State.Health}}', 'fctr'])).toBe('{ 0 []}\n');
    const json = await ok(['inspect', 'fctr']);
    expect(json).not.toMatch(/"SizeRw"|"Checkpointed"|"Init"|"AdditionalMacAddresses"/);
    expect(await ok(['images', '--format', '{{.IsDangling}} {{.IsReadOnly}}', 'bb'])).toBe('false false\n');
    expect(await ok(['image', 'inspect', '--format', '[{{.Config.User}}] [{{.Config.StopSignal}}] {{.Created.Unix}}', 'bb'])).toMatch(/^\[\] \[\] \d+\n$/);
    expect(await ok(['volume', 'inspect', '--format', '{{.Status}} {{.Timeout}} [{{.StorageID}}]', 'fvol'])).toBe('map[] 0 []\n');
  });

  it('a pod member\'s events carry its PodID; network connect and disconnect are events', async () => {
    const podId = (await ok(['pod', 'inspect', '--format', '{{.ID}}', 'fpod'])).trim();
    await ok(['create', '--name', 'fnc', '--network', 'fnet', 'bb', 'true']);
    await ok(['network', 'disconnect', 'fnet', 'fnc']);
    await ok(['network', 'connect', 'fnet', 'fnc']);
    const events = await ok(['events', '--stream=false', '--format', '{{.Type}} {{.Status}} {{.Name}} {{.Network}} {{.PodID}}']);
    expect(events).toContain(`container start fctr  ${podId}\n`);
    expect(events).toContain('network disconnect fnc fnet \n');
    expect(events).toContain('network connect fnc fnet \n');
    const human = await ok(['events', '--stream=false', '--filter', 'type=network']);
    expect(human).toMatch(/ network disconnect ([0-9a-f]{64}) \(container=\1, name=fnet\)\n/);
    const json = (await ok(['events', '--stream=false', '--format', 'json', '--filter', 'container=fctr'])).split('\n')[0]!;
    expect(Object.keys(JSON.parse(json) as object)).toEqual(['ID', 'Image', 'Name', 'Status', 'Time', 'Type', 'PodID', 'Attributes']);
    await ok(['rm', 'fnc']);
  });
});
