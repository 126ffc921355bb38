import { describe, expect, it } from 'vitest';
import { hookMatches, parseHookFile, selectHooks, type HookFile } from '../../../../src/runtime/hooks/hook-config.js';

const exists = (p: string) => p !== '/missing';
const v1 = (o: object) => JSON.stringify({ version: '1.0.0', hook: { path: '/bin/true' }, when: { always: true }, stages: ['prestart'], ...o });

describe('OCI hook files (containers/common pkg/hooks)', () => {
  it('reads 1.0.0 and converts 0.1.0 (args led by the path, any-of matching)', () => {
    expect(parseHookFile(v1({ hook: { path: '/bin/true', args: ['t', 'x'], env: ['A=1'], timeout: 5 } }), 'f', exists)).toEqual({
      hook: { path: '/bin/true', args: ['t', 'x'], env: ['A=1'], timeout: 5 },
      when: { always: true },
      stages: ['prestart'],
    });
    const old = parseHookFile(JSON.stringify({ hook: '/bin/true', arguments: ['a'], stage: ['poststop'], cmds: ['sh'], annotation: ['x', 'y'] }), 'f', exists);
    expect(old).toEqual({ hook: { path: '/bin/true', args: ['/bin/true', 'a'] }, when: { or: true, commands: ['sh'], annotations: { '.*': 'x|y' } }, stages: ['poststop'] });
  });

  it('podman\'s errors', () => {
    expect(() => parseHookFile('{', '/d/f.json', exists)).toThrow(/^parsing hook "\/d\/f.json": version check: /);
    expect(() => parseHookFile('{"version":"9"}', '/d/f.json', exists)).toThrow('parsing hook "/d/f.json": unrecognized hook version: "9"');
    expect(() => parseHookFile(v1({ hook: {} }), 'f', exists)).toThrow('missing required property: hook.path');
    expect(() => parseHookFile(v1({ hook: { path: '/missing' } }), 'f', exists)).toThrow('stat /missing: no such file or directory');
    expect(() => parseHookFile(v1({ stages: undefined }), 'f', exists)).toThrow('missing required property: stages');
    expect(() => parseHookFile(v1({ stages: ['later'] }), 'f', exists)).toThrow('unknown stage "later"');
    expect(() => parseHookFile(v1({ when: { commands: ['('] } }), 'f', exists)).toThrow('invalid command "("');
    expect(() => parseHookFile(JSON.stringify({ version: '0.1.0', hook: '/bin/true', stage: ['prestart'], stages: ['prestart'] }), 'f', exists)).toThrow("cannot set both 'stage' and 'stages'");
  });

  it('when: all conditions must hold in 1.0.0; commands decide alone; unanchored regular expressions', () => {
    const ctx = { annotations: { 'org.a': 'yes' }, command: '/usr/bin/true', hasBindMounts: false };
    expect(hookMatches({ always: true }, ctx)).toBe(true);
    expect(hookMatches({ always: false }, ctx)).toBe(false);
    expect(hookMatches({ annotations: { 'org\\.a': 'y' } }, ctx)).toBe(true);
    expect(hookMatches({ annotations: { 'org\\.a': '^no' } }, ctx)).toBe(false);
    expect(hookMatches({ always: true, hasBindMounts: true }, ctx)).toBe(false);
    expect(hookMatches({ hasBindMounts: true }, { ...ctx, hasBindMounts: true })).toBe(true);
    expect(hookMatches({ commands: ['true$'] }, ctx)).toBe(true);
    expect(hookMatches({ always: true, commands: ['^sh$'] }, ctx)).toBe(false);
    expect(hookMatches({}, ctx)).toBe(false);
    expect(hookMatches({ or: true, always: false, hasBindMounts: true }, { ...ctx, hasBindMounts: true })).toBe(true);
  });

  it('hooks in file-name order (case-insensitive), by stage', () => {
    const h = (path: string, stages: HookFile['stages']): HookFile => ({ hook: { path }, when: { always: true }, stages });
    const files = new Map([['b.json', h('/b', ['prestart', 'poststop'])], ['A.json', h('/a', ['prestart'])], ['c.json', { ...h('/c', ['prestart']), when: { always: false } }]]);
    const ctx = { annotations: {}, command: 'x', hasBindMounts: false };
    expect(selectHooks(files, ctx)).toEqual({ prestart: [{ path: '/a' }, { path: '/b' }], poststop: [{ path: '/b' }] });
  });
});
