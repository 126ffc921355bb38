import { describe, expect, it } from 'vitest';
import { fileEvents, watchPlan } from '../../../src/compose/watch-plan.js';
import type { Service } from '../../../src/compose/model.js';
import { project as projectOf } from './fixtures.js';

const project = (services: Record<string, Service>) => projectOf(services, { networks: {}, volumes: {} });

const app = (watch: unknown[], extra: Partial<Service> = {}): Service => ({ build: { context: '/w' }, develop: { watch }, ...extra });

describe('watchPlan', () => {
  it('resolves paths from the project directory and skips a path a bind mount shares', () => {
    const warned: string[] = [];
    const p = project({
      app: app([{ path: './src', target: '/app', action: 'sync' }, { path: './data', target: '/d', action: 'sync' }], { volumes: [{ type: 'bind', source: '/w/data', target: '/d' }] }),
      db: { image: 'x' },
    });
    const [w] = watchPlan(p, [], () => '*.log\n', (m) => warned.push(m));
    expect(w!.rules.map((r) => r.path)).toEqual(['/w/src']);
    expect(warned).toEqual(["path '/w/data' also declared by a bind mount volume, this path won't be monitored!"]);
  });
  it('maps a change to the container path unless an ignore matches', () => {
    const p = project({ app: app([{ path: './src', target: '/app', action: 'sync', ignore: ['tmp/'] }, { path: './Containerfile', action: 'rebuild' }]) });
    const [w] = watchPlan(p, [], () => 'src/*.log\n', () => {});
    expect(fileEvents(w!, '/w/src/a/b.txt')).toEqual([{ action: 'sync', hostPath: '/w/src/a/b.txt', containerPath: '/app/a/b.txt' }]);
    expect(fileEvents(w!, '/w/src/x.log')).toEqual([]);
    expect(fileEvents(w!, '/w/src/tmp/x')).toEqual([]);
    expect(fileEvents(w!, '/w/src/.a.txt.swp')).toEqual([]);
    expect(fileEvents(w!, '/w/src/.git/HEAD')).toEqual([]);
    expect(fileEvents(w!, '/w/Containerfile')).toEqual([{ action: 'rebuild', hostPath: '/w/Containerfile', containerPath: undefined }]);
    expect(fileEvents(w!, '/w/other')).toEqual([]);
  });
  it("refuses what docker compose refuses", () => {
    expect(() => watchPlan(project({ a: { image: 'x', develop: { watch: [{ path: '.', action: 'rebuild' }] } } }), [], () => undefined, () => {})).toThrow(`can't watch service "a" without a build context`);
    expect(() => watchPlan(project({ a: { build: { context: '/w' } } }), [], () => undefined, () => {})).toThrow('none of the selected services is configured for watch');
    expect(() => watchPlan(project({ a: app([{ path: '.', action: 'sync+exec', target: '/x' }]) }), [], () => undefined, () => {})).toThrow('invalid action "sync+exec"');
    expect(() => watchPlan(project({ a: app([{ path: '.', action: 'sync', target: '/x', include: ['*'] }]) }), [], () => undefined, () => {})).toThrow('services.a.develop.watch[0].include: not supported');
  });
});
