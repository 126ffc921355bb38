// pod create --infra-image/--infra-command (a real image's container holds
// the pod's namespaces and runs its command; rm refuses it; members share
// its network; the pod's port is published by it), -v (every member gets the pod's mounts, its own mount at a
// destination wins) and resource flags (run's parser and messages; on a
// rootless cgroup v1 host the line run prints there, elsewhere refused
// with the reason) as the test user.

import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, sandboxCli } from './run-util.js';

describe('pod create -v and resource flags (test user)', () => {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb);

  beforeAll(async () => {
    sb = await busyboxSandbox('pod-create-flags', 'user');
  }, 120_000);
  afterAll(async () => {
    await cli(['pod', 'rm', '-f', '-a', '-t', '0']);
    await disposeSandbox(sb);
  });

  it('-v: a bind (read-only kept) and a named volume reach every member; a member\'s own mount at the same place wins', async () => {
    const host = `${sb.dir}/shared`;
    fs.mkdirSync(host);
    fs.writeFileSync(`${host}/f`, 'from the host\n');
    sb.chown(host);
    fs.chmodSync(host, 0o755);
    await ok(['pod', 'create', '--name', 'vols', '-v', `${host}:/data:ro`, '-v', 'podvol:/named']);
    expect(await ok(['run', '--rm', '--pod', 'vols', 'bb', 'sh', '-c', 'cat /data/f; echo one > /named/x; touch /data/no 2>/dev/null || echo ro'])).toBe('from the host\nro\n');
    // Another member sees what the first wrote in the named volume.
    expect(await ok(['run', '--rm', '--pod', 'vols', 'bb', 'cat', '/named/x'])).toBe('one\n');
    expect(await ok(['volume', 'ls', '--format', '{{.Name}}'])).toContain('podvol\n');
    // Its own -v at /data replaces the pod's there.
    expect(await ok(['run', '--rm', '--pod', 'vols', '-v', 'other:/data', 'bb', 'sh', '-c', 'ls /data | wc -l; cat /named/x'])).toBe('0\none\n');
    const bad = await cli(['pod', 'create', '--name', 'anon', '-v', '/anon']);
    expect([bad.exitCode, bad.stderr]).toEqual([125, 'Error: /anon: an anonymous volume cannot be shared by a pod\'s containers here: name it (-v NAME:/anon)\n']);
    const fmt = await cli(['pod', 'create', '--name', 'badv', '-v', 'a:b:c:d']);
    expect([fmt.exitCode, fmt.stderr]).toEqual([125, 'Error: a:b:c:d: incorrect volume format, should be [host-dir:]ctr-dir[:option]\n']);
    expect((await cli(['pod', 'exists', 'anon'])).exitCode).toBe(1);
  });

  it('resource flags: run\'s messages for bad values; on this host what run does with a limit', async () => {
    const cases: Array<[string[], string]> = [
      [['--memory', '1k'], 'minimum memory limit allowed is 6MB'],
      [['--cpus', 'abc'], 'invalid argument "abc" for "--cpus" flag: strconv.ParseFloat: parsing "abc": invalid syntax'],
      [['--cpu-shares', '-1'], 'invalid argument "-1" for "-c, --cpu-shares" flag: strconv.ParseUint: parsing "-1": invalid syntax'],
    ];
    for (const [flags, msg] of cases) {
      const r = await cli(['pod', 'create', ...flags]);
      expect([r.exitCode, r.stderr]).toEqual([125, `Error: ${msg}\n`]);
    }
    // run with a limit tells what this host does with it: the same line (rootless cgroup v1), or a refusal.
    const probe = await cli(['run', '--rm', '--memory', '64m', 'bb', 'true']);
    const r = await cli(['pod', 'create', '--name', 'limited', '--memory', '64m', '--cpus', '1.5']);
    if (probe.exitCode === 0 && probe.stderr === 'Resource limits are not supported and ignored on cgroups V1 rootless systems\n') {
      expect([r.exitCode, r.stderr]).toEqual([0, probe.stderr]);
      expect(await ok(['run', '--rm', '--pod', 'limited', 'bb', 'echo', 'runs'])).toBe('runs\n');
      // pod inspect shows them as podman 4.3 does (the CPU ones in InfraConfig too); Hostname only when given.
      const o = JSON.parse(await ok(['pod', 'inspect', 'limited'])) as Record<string, unknown> & { InfraConfig: Record<string, unknown> };
      expect([o.cpu_period, o.cpu_quota, o.memory_limit, o.InfraConfig.cpu_period, o.InfraConfig.cpu_quota, o.Hostname]).toEqual([100000, 150000, 67108864, 100000, 150000, '']);
      expect(await ok(['pod', 'inspect', '--format', '{{.CPUQuota}} {{.MemoryLimit}} {{.CPUShares}} {{.InfraConfig.CPUPeriod}} {{.InfraConfig.PidNS}}', 'limited'])).toBe('150000 67108864 0 100000 private\n');
    } else {
      expect(r.exitCode).toBe(125);
      expect(r.stderr).toMatch(/^Error: --memory, --cpus: a pod's limits need a cgroup for the whole pod, which tsc-run does not make/);
    }
  });

  it('--infra-image: an image\'s container is the infra (its entrypoint and CMD, or --infra-command alone), holding the pod\'s network and port', async () => {
    await ok(['import', '-c', 'ENTRYPOINT ["sleep"]', '-c', 'CMD ["100000"]', `${sb.dir}/rootfs.tar`, 'infra:1']);
    const port = 20000 + Math.floor(Math.random() * 20000);
    const podId = (await ok(['pod', 'create', '--name', 'imgd', '--infra-image', 'infra:1', '-p', `127.0.0.1:${port}:80`])).trim();
    await ok(['run', '-d', '--pod', 'imgd', '--name', 'imgd-web', 'bb', 'sh', '-c', 'mkdir /w && echo via-image-infra > /w/i && exec httpd -f -p 80 -h /w']);
    const ps = (await ok(['ps', '--pod', '--filter', 'pod=imgd', '--format', '{{.Names}}|{{.Image}}|{{.Command}}|{{.IsInfra}}'])).trim().split('\n').sort();
    expect(ps).toEqual([`${podId.slice(0, 12)}-infra|localhost/infra:1|sleep 100000|true`, expect.stringMatching(/^imgd-web\|localhost\/bb:latest\|.*\|false$/)]);
    expect(await ok(['pod', 'top', 'imgd', 'args'])).toMatch(/^COMMAND\n(httpd -f -p 80 -h \/w\nsleep 100000\n)$/);
    let body = '';
    for (let i = 0; i < 50 && !body; i++) {
      const r = await cli(['run', '--rm', '--network', 'host', 'bb', 'wget', '-qO-', `http://127.0.0.1:${port}/i`]);
      body = r.exitCode === 0 ? r.stdout : '';
      if (!body) await new Promise((res) => setTimeout(res, 100));
    }
    expect(body).toBe('via-image-infra\n');
    const infraId = (await ok(['pod', 'inspect', '--format', '{{.InfraContainerID}}', 'imgd'])).trim();
    const rm = await cli(['rm', '-f', infraId]);
    expect([rm.exitCode, rm.stderr]).toEqual([125, `Error: container ${infraId} is the infra container of pod ${podId} and cannot be removed without removing the pod\n`]);

    // --infra-command: one word, the entrypoint; the image's CMD is dropped (podman).
    await ok(['pod', 'create', '--name', 'cmdd', '--infra-image', 'bb', '--infra-command', 'top']);
    await ok(['pod', 'start', 'cmdd']);
    expect(await ok(['pod', 'top', 'cmdd', 'args'])).toBe('COMMAND\ntop\n');
    const refusals: Array<[string[], string]> = [
      [['pod', 'create', '--infra-command', 'top'], '--infra-command needs --infra-image here: the default infra runs no command (the helper itself holds the pod\'s namespaces)'],
      [['pod', 'create', '--infra=false', '--infra-image', 'bb'], 'cannot specify --infra-image when the pod has no infra container: invalid argument'],
    ];
    for (const [args, msg] of refusals) {
      const r = await cli(args);
      expect([r.exitCode, r.stderr]).toEqual([125, `Error: ${msg}\n`]);
    }
    const missing = await cli(['pod', 'create', '--name', 'noimg', '--infra-image', 'localhost/nosuch:1']);
    expect(missing.exitCode).toBe(125);
    expect((await cli(['pod', 'exists', 'noimg'])).exitCode).toBe(1);
  });
});
