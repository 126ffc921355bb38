// OCI hooks (--hooks-dir, containers.conf hooks_dir): real hook scripts
// that record their stdin (the container's state), argv, environment, uid
// and namespaces at each stage, as runc/crun run them for podman: prestart,
// createRuntime and poststart in the runtime's namespaces, createContainer
// in the container's mount namespace before pivot_root, startContainer in
// the container, poststop once after the container ends. `when` rules,
// failures with podman's exit code, bad hook files, timeouts.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, tscRun, type As, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, until } from './run-util.js';

interface Recorded {
  args: string;
  uid: number;
  env: string[];
  mnt: string;
  state: { ociVersion: string; id: string; pid?: number; status: string; bundle: string; annotations: Record<string, string> };
}

function suite(as: As) {
  let sb: Sandbox;
  let out: string;
  let rec: string;
  const run = (args: string[], env?: Record<string, string>) => tscRun(args, { sandbox: sb, timeoutMs: 60_000, ...(env ? { env } : {}) });
  const ok = async (args: string[], env?: Record<string, string>) => {
    const r = await run(args, env);
    expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  /** A hooks dir with one file per entry: name → [stages, when, extra hook fields]. */
  const hooksDir = (name: string, hooks: Record<string, { stages: string[]; when?: object; hook?: object }>): string => {
    const dir = path.join(sb.dir, name);
    fs.rmSync(dir, { recursive: true, force: true });
    for (const [file, h] of Object.entries(hooks)) {
      sb.file(path.join(name, `${file}.json`), JSON.stringify({ version: '1.0.0', hook: { path: rec, args: ['rec', file], env: ['HOOKVAR=1'], ...h.hook }, when: h.when ?? { always: true }, stages: h.stages }));
    }
    return dir;
  };
  const recorded = (): Map<string, Recorded> => {
    const m = new Map<string, Recorded>();
    for (const f of fs.readdirSync(out)) {
      const [args = '', uid = '', env = '', mnt = '', state = ''] = fs.readFileSync(path.join(out, f), 'utf8').split('\n');
      m.set(f, { args, uid: Number(uid), env: env.split(' ').filter(Boolean).sort(), mnt, state: JSON.parse(state) as Recorded['state'] });
    }
    return m;
  };
  const clear = () => {
    for (const f of fs.readdirSync(out)) fs.rmSync(path.join(out, f));
  };

  beforeAll(async () => {
    sb = await busyboxSandbox(`hooks-${as}`, as);
    out = path.join(sb.dir, 'out');
    fs.mkdirSync(out);
    sb.chown(out);
    // Records argv, uid, environment, mount namespace and stdin into out/NAME (written once, complete).
    rec = sb.file('rec.sh', `#!/bin/sh\nf=${out}/$1\n{ echo "$*"; id -u; env | grep -v '^PWD=' | tr '\\n' ' '; echo; readlink /proc/self/ns/mnt; cat; echo; } > "$f.tmp" && mv "$f.tmp" "$f"\n`, 0o755);
  });
  afterAll(() => disposeSandbox(sb));

  it('every stage runs with the state on stdin, only its own environment, in the right namespaces', async () => {
    const dir = hooksDir('all', Object.fromEntries(['prestart', 'createRuntime', 'createContainer', 'poststart', 'poststop'].map((s) => [s, { stages: [s] }])));
    // startContainer runs in the container: its path is the container's /bin/sh; it leaves its stdin for CMD.
    sb.file('all/startContainer.json', JSON.stringify({ version: '1.0.0', hook: { path: '/bin/sh', args: ['sh', '-c', 'cat > /run/start.state; echo >> /run/start.state; id -u >> /run/start.state'] }, when: { always: true }, stages: ['startContainer'] }));
    clear();
    const r = await run(['--hooks-dir', dir, 'run', '--name', 'h1', 'bb', 'sh', '-c', 'cat /run/start.state; readlink /proc/self/ns/mnt']);
    expect(r.exitCode, r.stderr).toBe(0);
    const [startState = '', startUid, ctrMnt] = r.stdout.split('\n');
    const id = (await ok(['inspect', '--format', '{{.Id}}', 'h1'])).trim();
    await ok(['rm', 'h1']);
    const got = recorded();
    expect([...got.keys()].sort()).toEqual(['createContainer', 'createRuntime', 'poststart', 'poststop', 'prestart']);
    const me = sb.owner.uid;
    const pid = got.get('createRuntime')!.state.pid!;
    expect(pid).toBeGreaterThan(1);
    for (const [stage, h] of got) {
      expect(h.args).toBe(`${stage}`);
      expect(h.env).toEqual(['HOOKVAR=1']);
      expect(h.state.id).toBe(id);
      expect(h.state.bundle).toMatch(new RegExp(`/${id}/userdata$`));
      expect(h.state.annotations['io.container.manager']).toBe('libpod');
      expect(h.state.status).toBe(stage === 'poststart' ? 'running' : stage === 'poststop' ? 'stopped' : 'created');
      // Runtime stages as the user in our namespaces; createContainer as the container's root in its mount namespace.
      expect(h.uid, stage).toBe(stage === 'createContainer' ? 0 : me);
      if (stage === 'createContainer') expect(h.mnt).toBe(ctrMnt);
      else expect(h.mnt).not.toBe(ctrMnt);
    }
    expect(got.get('createContainer')!.state.pid).toBe(0);
    expect(got.get('prestart')!.state.pid).toBe(pid);
    expect(got.get('poststart')!.state.pid).toBe(pid);
    expect(got.get('poststop')!.state.pid).toBeUndefined();
    expect(JSON.parse(startState)).toMatchObject({ id, pid, status: 'created' });
    expect(startUid).toBe('0');
  });

  it('when: annotations, commands and hasBindMounts pick the hooks; always false never', async () => {
    const dir = hooksDir('when', {
      ann: { stages: ['prestart'], when: { annotations: { '^org\\.example\\.trace$': '^y' } } },
      cmd: { stages: ['prestart'], when: { commands: ['/?true$'] } },
      bind: { stages: ['prestart'], when: { hasBindMounts: true } },
      never: { stages: ['prestart'], when: { always: false, commands: ['.*'] } },
    });
    const ran = async (args: string[]) => {
      clear();
      await ok(['--hooks-dir', dir, 'run', '--rm', ...args]);
      return [...recorded().keys()].sort();
    };
    expect(await ran(['bb', 'echo'])).toEqual([]);
    expect(await ran(['--annotation', 'org.example.trace=yes', 'bb', 'echo'])).toEqual(['ann']);
    expect(await ran(['--annotation', 'org.example.trace=no', 'bb', 'true'])).toEqual(['cmd']);
    expect(await ran(['-v', `${sb.dir}:/mnt`, 'bb', 'echo'])).toEqual(['bind']);
    // containers.conf's hooks_dir, when no --hooks-dir is given.
    const conf = sb.file('hooks-containers.conf', `[engine]\nhooks_dir = [${JSON.stringify(dir)}]\n`);
    clear();
    await ok(['run', '--rm', 'bb', 'true'], { CONTAINERS_CONF: conf });
    expect([...recorded().keys()]).toEqual(['cmd']);
  });

  it('a failing or timed-out hook stops the start with podman\'s exit code 126; a failing poststart does not', async () => {
    for (const stage of ['createRuntime', 'createContainer']) {
      const dir = path.join(sb.dir, `fail-${stage}`);
      sb.file(`fail-${stage}/f.json`, JSON.stringify({ version: '1.0.0', hook: { path: '/bin/false' }, when: { always: true }, stages: [stage] }));
      const r = await run(['--hooks-dir', dir, 'run', '--rm', 'bb', 'echo', 'never']);
      expect([r.exitCode, r.stdout, r.stderr]).toEqual([126, '', 'Error: error executing hook `/bin/false` (exit code: 1)\n']);
    }
    sb.file('slow/s.json', JSON.stringify({ version: '1.0.0', hook: { path: '/bin/sleep', args: ['sleep', '30'], timeout: 1 }, when: { always: true }, stages: ['prestart'] }));
    const t0 = Date.now();
    const slow = await run(['--hooks-dir', path.join(sb.dir, 'slow'), 'run', '--rm', 'bb', 'true']);
    expect([slow.exitCode, slow.stderr]).toEqual([126, 'Error: error executing hook `/bin/sleep`: timed out after 1 s\n']);
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(await ok(['ps', '-aq'])).toBe('');
    sb.file('poststart-fails/f.json', JSON.stringify({ version: '1.0.0', hook: { path: '/bin/false' }, when: { always: true }, stages: ['poststart'] }));
    expect(await ok(['--hooks-dir', path.join(sb.dir, 'poststart-fails'), 'run', '--rm', 'bb', 'echo', 'ran'])).toBe('ran\n');
  });

  it('bad hook files: podman\'s errors, nothing started; precreate refused', async () => {
    const bad = async (text: string, message: string) => {
      const dir = path.join(sb.dir, 'bad');
      fs.rmSync(dir, { recursive: true, force: true });
      const f = sb.file('bad/x.json', text);
      const r = await run(['--hooks-dir', dir, 'run', '--rm', 'bb', 'echo', 'never']);
      expect([r.exitCode, r.stdout, r.stderr]).toEqual([126, '', `Error: setting up OCI Hooks: ${message.replace('FILE', f)}\n`]);
    };
    await bad('{"version":"2"}', 'parsing hook "FILE": unrecognized hook version: "2"');
    await bad('{"version":"1.0.0","hook":{"path":"/nonexistent"},"when":{"always":true},"stages":["prestart"]}', 'stat /nonexistent: no such file or directory');
    await bad('{"version":"1.0.0","hook":{"path":"/bin/true"},"when":{"always":true},"stages":["sometime"]}', 'unknown stage "sometime"');
    await bad('{"version":"1.0.0","hook":{"path":"/bin/true"},"when":{"always":true}}', 'missing required property: stages');
    const pre = path.join(sb.dir, 'pre');
    sb.file('pre/p.json', JSON.stringify({ version: '1.0.0', hook: { path: '/bin/true' }, when: { always: true }, stages: ['precreate'] }));
    const r = await run(['--hooks-dir', pre, 'run', '--rm', 'bb', 'true']);
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toMatch(/^Error: hook \/bin\/true: the precreate stage is not supported: .*\n$/);
    // Files not ending in .json are not hooks; a missing directory has none.
    sb.file('notjson/readme.txt', 'not a hook');
    expect(await ok(['--hooks-dir', path.join(sb.dir, 'notjson'), '--hooks-dir', path.join(sb.dir, 'missing'), 'run', '--rm', 'bb', 'echo', 'ok'])).toBe('ok\n');
  });

  it('poststop runs once when a detached container ends, and when rm -f removes a running one', async () => {
    const dir = hooksDir('post', { poststop: { stages: ['poststop'] } });
    clear();
    const id = (await ok(['--hooks-dir', dir, 'run', '-d', 'bb', 'sh', '-c', 'exit 3'])).trim();
    await until(() => fs.existsSync(path.join(out, 'poststop')), 20_000, 'poststop after exit');
    expect(recorded().get('poststop')!.state).toMatchObject({ id, status: 'stopped' });
    await ok(['rm', id]);
    expect(fs.readdirSync(out)).toEqual(['poststop']);
    clear();
    const id2 = (await ok(['--hooks-dir', dir, 'run', '-d', 'bb', 'sleep', '100'])).trim();
    await ok(['rm', '-f', '-t', '0', id2]);
    await until(() => fs.existsSync(path.join(out, 'poststop')), 20_000, 'poststop after rm -f');
    expect(recorded().get('poststop')!.state.id).toBe(id2);
    // Without --hooks-dir (rootless: no default directories) nothing runs.
    clear();
    await ok(['run', '--rm', 'bb', 'true']);
    expect(fs.readdirSync(out)).toEqual([]);
  });
}

describe('OCI hooks as the test user', () => suite('user'));
describe.runIf(isRoot())('OCI hooks as root', () => suite('root'));
