import { describe, expect, it } from 'vitest';
import { attachSet } from '../../../src/compose/attach-set.js';
import { composeEvent, eventJson, eventText, eventTime } from '../../../src/compose/events-view.js';
import { presenters, useColor } from '../../../src/compose/log-prefix.js';
import { createArgs } from '../../../src/compose/create-args.js';
import { dep, project } from './fixtures.js';

describe('attachSet', () => {
  const p = project({
    web: { image: 'x', depends_on: { api: dep() } },
    api: { image: 'x', depends_on: { db: dep() } },
    db: { image: 'x' },
    quiet: { image: 'x', attach: false },
  });
  it('all services but attach: false when none is named', () => {
    expect(attachSet(p, [], {})).toEqual({ attach: ['api', 'db', 'web'], watch: ['api', 'db', 'web'] });
  });
  it('the named services, their dependencies with --attach-dependencies', () => {
    expect(attachSet(p, ['web'], {})).toEqual({ attach: ['web'], watch: ['web'] });
    expect(attachSet(p, ['web'], { attachDependencies: true })).toEqual({ attach: ['api', 'db', 'web'], watch: ['api', 'db', 'web'] });
  });
  it('--attach replaces the choice (named services still watched), --no-attach removes', () => {
    expect(attachSet(p, ['web'], { attach: ['db'] })).toEqual({ attach: ['db'], watch: ['db', 'web'] });
    expect(attachSet(p, [], { attach: ['quiet'] })).toEqual({ attach: ['quiet'], watch: ['quiet'] });
    expect(attachSet(p, ['web'], { noAttach: ['web'] })).toEqual({ attach: [], watch: ['web'] });
    expect(attachSet(p, [], { noAttach: ['db'] })).toEqual({ attach: ['api', 'web'], watch: ['api', 'web'] });
  });
  it('refuses to attach to a service the up does not include', () => {
    expect(() => attachSet(p, [], { attach: ['nope'] })).toThrow('cannot attach to services not included in up: nope');
  });
});

describe('log prefixes', () => {
  const c = (service: string, number: number, id = `${service}${number}`) => ({ id, name: `p-${service}-${number}`, service, number, oneoff: false });
  it('pads to the longest name plus one, as docker compose', () => {
    const m = presenters([c('web', 1), c('database', 1)], { prefix: true, color: false });
    expect(m.get('web1')!.prefix).toBe('web-1       | ');
    expect(m.get('database1')!.prefix).toBe('database-1  | ');
  });
  it("colours in docker compose's order over the names sorted", () => {
    const m = presenters([c('web', 1), c('db', 1), c('web', 2)], { prefix: true, color: true });
    expect(m.get('db1')!.prefix).toBe('\x1b[36mdb-1   | \x1b[0m');
    expect(m.get('web1')!.prefix).toBe('\x1b[33mweb-1  | \x1b[0m');
    expect(m.get('web2')!.paint('x')).toBe('\x1b[32mx\x1b[0m');
    const many = presenters(Array.from({ length: 11 }, (_, i) => c(`s${String(i).padStart(2, '0')}`, 1)), { prefix: false, color: true });
    expect(many.get('s051')!.paint('x')).toBe('\x1b[36;1mx\x1b[0m');
    expect(many.get('s101')!.paint('x')).toBe('\x1b[36mx\x1b[0m');
    expect(many.get('s051')!.prefix).toBe('');
  });
  it('colours on a terminal only, never with --no-color or --ansi never', () => {
    expect(useColor({ isTTY: true })).toBe(true);
    expect(useColor({ isTTY: false })).toBe(false);
    expect(useColor({ isTTY: true, noColor: true })).toBe(false);
    expect(useColor({ isTTY: true, ansi: 'never' })).toBe(false);
    expect(useColor({ isTTY: false, ansi: 'always' })).toBe(true);
  });
});

describe('compose events', () => {
  const base = {
    ID: 'abc',
    Image: 'localhost/bb:latest',
    Name: 'p-web-1',
    Time: '2026-12-05T05:32:42.5626Z',
    Type: 'container',
    Attributes: { 'com.docker.compose.project': 'p', 'com.docker.compose.service': 'web', 'com.docker.compose.oneoff': 'False', tier: 'front' },
  };
  it("drops compose's labels, adds image and name, keeps the service", () => {
    const ev = composeEvent({ ...base, Status: 'start' }, [])!;
    expect(ev).toEqual({ time: base.Time, type: 'container', service: 'web', id: 'abc', action: 'start', attributes: { image: 'localhost/bb:latest', name: 'p-web-1', tier: 'front' } });
    expect(eventText(ev)).toBe('2026-12-05 05:32:42.562600 container start abc (image=localhost/bb:latest, name=p-web-1, tier=front)\n\n');
    expect(eventJson(ev)).toBe('{"action":"start","attributes":{"image":"localhost/bb:latest","name":"p-web-1","tier":"front"},"id":"abc","service":"web","time":"2026-12-05T05:32:42.5626Z","type":"container"}\n');
  });
  it('died is die with the exit code; health_status carries the state; one-offs, other services and non-containers are left out', () => {
    expect(composeEvent({ ...base, Status: 'died', ContainerExitCode: 3 }, [])).toMatchObject({ action: 'die', attributes: { exitCode: '3' } });
    expect(composeEvent({ ...base, Status: 'health_status', health_status: 'healthy' }, [])!.action).toBe('health_status: healthy');
    expect(composeEvent({ ...base, Status: 'start', Attributes: { ...base.Attributes, 'com.docker.compose.oneoff': 'True' } }, [])).toBeUndefined();
    expect(composeEvent({ ...base, Status: 'start' }, ['db'])).toBeUndefined();
    expect(composeEvent({ ...base, Status: 'pull', Type: 'image' }, [])).toBeUndefined();
  });
  it('times in the form Go prints them', () => {
    expect(eventTime('2026-12-05T05:32:42Z')).toBe('2026-12-05 05:32:42.000000');
    expect(eventTime('2026-12-05T05:32:42.123456789+02:00')).toBe('2026-12-05 05:32:42.123456');
  });
});

describe('recreate keeps anonymous volumes', () => {
  it("uses the old container's volume for an anonymous target, and adds the image's ones", () => {
    const p = project({ web: { image: 'x', volumes: [{ type: 'volume', target: '/anon' }, { type: 'volume', source: 'data', target: '/d' }] } });
    const args = createArgs({ project: p, service: 'web', number: 1, hash: 'h', image: 'x', secretFiles: {}, configFiles: {}, inheritVolumes: { '/anon': 'v1', '/img': 'v2' } });
    expect(args.filter((_, i) => args[i - 1] === '--volume')).toEqual(['v1:/anon', 'p_data:/d', 'v2:/img']);
  });
});

describe('dry-run engine', () => {
  it('passes reads through and pretends writes', async () => {
    const { dryRunEngine, isRead } = await import('../../../src/compose/engine/dry-run.js');
    expect(isRead(['ps', '-a', '--format', 'json'])).toBe(true);
    expect(isRead(['image', 'inspect', '--format', '{{.Id}}', 'bb'])).toBe(true);
    expect(isRead(['network', 'ls', '--format', 'json'])).toBe(true);
    for (const w of [['run', '--detach', 'bb'], ['rm', '-f', 'x'], ['volume', 'create', 'v'], ['network', 'rm', 'n'], ['pull', 'bb'], ['unshare', 'chown', '1:1', 'f'], ['exec', 'x', 'ls']]) {
      expect(isRead(w), w.join(' ')).toBe(false);
    }
    const seen: string[][] = [];
    const real = {
      capture: (args: readonly string[]) => (seen.push([...args]), Promise.resolve({ code: 0, stdout: 'real', stderr: '' })),
      inherit: (args: readonly string[]) => (seen.push([...args]), Promise.resolve(7)),
      stream: (args: readonly string[]) => (seen.push([...args]), { done: Promise.resolve(0), kill: () => {} }),
      must: (args: readonly string[]) => (seen.push([...args]), Promise.resolve('real')),
    };
    const e = dryRunEngine(real);
    expect(await e.must(['ps', '-a'])).toBe('real');
    expect(await e.must(['run', '--detach', 'bb'])).toMatch(/^[0-9a-f]{64}\n$/);
    expect(await e.must(['wait', 'x'])).toBe('0\n');
    expect(await e.inherit(['exec', 'x', 'sh'])).toBe(0);
    expect((await e.capture(['stop', 'x'])).code).toBe(0);
    expect(seen).toEqual([['ps', '-a']]);
  });
});

describe('a container of an older image is recreated', () => {
  it("compares the container's image id label with the service's image id", async () => {
    const { planService } = await import('../../../src/compose/plan.js');
    const p = project({ web: { image: 'x' } });
    const idA = `sha256:${'a'.repeat(64)}`;
    const idB = `sha256:${'b'.repeat(64)}`;
    const c = (label: string) => ({ id: 'c', name: 'p-web-1', service: 'web', number: 1, oneoff: false, hash: 'h', state: 'running', labels: { 'com.docker.compose.image': label } });
    expect(planService(p, 'web', [c(idA)], { hashes: { web: 'h' }, imageIds: { web: idA } })[0]!.kind).toBe('keep');
    expect(planService(p, 'web', [c(idA)], { hashes: { web: 'h' }, imageIds: { web: idB } })[0]!.kind).toBe('recreate');
    expect(planService(p, 'web', [c(idA)], { hashes: { web: 'h' }, imageIds: { web: idB }, noRecreate: true })[0]!.kind).toBe('keep');
    // A label from before ids were recorded (a name) never forces a recreate.
    expect(planService(p, 'web', [c('bb')], { hashes: { web: 'h' }, imageIds: { web: idB } })[0]!.kind).toBe('keep');
  });
});
