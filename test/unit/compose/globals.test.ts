// compose's global flags in their pure parts: --parallel's limit on engine
// commands, --verbose's trace, --progress json's lines, --all-resources'
// opposite (unused resources dropped), --compatibility's separator.

import { describe, expect, it } from 'vitest';
import { limitedEngine, parallelLimit, semaphore, tracedEngine } from '../../../src/compose/engine/limit.js';
import type { Engine, RunResult } from '../../../src/compose/engine/runner.js';
import { jsonProgress } from '../../../src/compose/engine/progress.js';
import { withoutUnusedResources } from '../../../src/compose/select.js';
import { nameOf } from '../../../src/compose/create-args.js';
import { serviceImage } from '../../../src/compose/config-view.js';
import type { Project } from '../../../src/compose/model.js';

/** An engine whose commands take `ms` and that records how many ran at once. */
function slowEngine(ms: number) {
  let now = 0;
  const peak = { limited: 0, all: 0 };
  let running = 0;
  const run = async (args: readonly string[]): Promise<RunResult> => {
    running++;
    if (args[0] !== 'wait') now++;
    peak.all = Math.max(peak.all, running);
    peak.limited = Math.max(peak.limited, now);
    await new Promise((r) => setTimeout(r, ms));
    running--;
    if (args[0] !== 'wait') now--;
    return { code: 0, stdout: '', stderr: '' };
  };
  const e: Engine = {
    capture: (args) => run(args),
    must: async (args) => (await run(args)).stdout,
    inherit: () => Promise.resolve(0),
    stream: () => ({ done: Promise.resolve(0), kill: () => {} }),
  };
  return { e, peak };
}

describe('--parallel', () => {
  it('runs at most N work commands at once; waits are never held back', async () => {
    const { e, peak } = slowEngine(20);
    const l = limitedEngine(e, 2);
    await Promise.all([...Array(6).keys()].map((i) => l.capture(['start', `c${i}`])).concat([l.capture(['wait', 'x']), l.capture(['wait', 'y']), l.capture(['wait', 'z'])]));
    expect(peak.limited).toBe(2);
    expect(peak.all).toBe(5);
    const free = slowEngine(20);
    await Promise.all([...Array(6).keys()].map((i) => limitedEngine(free.e, -1).must(['rm', `c${i}`])));
    expect(free.peak.limited).toBe(6);
  });

  it('a failing command frees its slot', async () => {
    const slot = semaphore(1);
    await expect(slot(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await slot(() => Promise.resolve(7))).toBe(7);
  });

  it('reads the flag, else COMPOSE_PARALLEL_LIMIT, in docker compose\'s words when not a number', () => {
    expect(parallelLimit(undefined, {})).toBe(-1);
    expect(parallelLimit('3', { COMPOSE_PARALLEL_LIMIT: '1' })).toBe(3);
    expect(parallelLimit(undefined, { COMPOSE_PARALLEL_LIMIT: '1' })).toBe(1);
    expect(() => parallelLimit('two', {})).toThrow('invalid argument "two" for "--parallel" flag: strconv.ParseInt: parsing "two": invalid syntax');
    expect(() => parallelLimit(undefined, { COMPOSE_PARALLEL_LIMIT: 'x' })).toThrow('COMPOSE_PARALLEL_LIMIT must be an integer (found: "x")');
  });
});

describe('--verbose and --progress json', () => {
  it('traces each engine command before it runs', async () => {
    const lines: string[] = [];
    await tracedEngine(slowEngine(1).e, (l) => lines.push(l)).capture(['create', '--name', 'p-web-1', '--label', 'a=b c', 'img']);
    expect(lines).toEqual(['DEBU[0000] tsc-run create --name p-web-1 --label "a=b c" img']);
  });

  it('writes docker compose\'s JSON events and tail messages', () => {
    let out = '';
    const j = jsonProgress((s) => (out += s), false);
    j.progress('Container', 'p-web-1', 'Started');
    j.tail('WARN[0000] something');
    expect(out).toBe('{"id":"Container p-web-1","text":"Started"}\n{"tail":true,"text":"WARN[0000] something"}\n');
    out = '';
    jsonProgress((s) => (out += s), true).progress('Network', 'p_default', 'Created');
    expect(out).toBe('{"dry-run":true,"id":"Network p_default","text":"Created"}\n');
  });
});

const base = (): Project => ({
  name: 'p',
  workingDir: '/w',
  configFiles: ['/w/compose.yaml'],
  services: {
    web: { image: 'x', networks: { front: null }, volumes: [{ type: 'volume', source: 'data', target: '/d' }, { type: 'bind', source: '/h', target: '/h' }], secrets: [{ source: 's' }] },
    built: { build: { context: '/w' }, networks: { default: null } },
  },
  disabledServices: { off: { image: 'x', networks: { back: null } } },
  networks: { default: { name: 'p_default' }, front: { name: 'p_front' }, back: { name: 'p_back' }, unused: { name: 'p_unused' } },
  volumes: { data: { name: 'p_data' }, spare: { name: 'p_spare' } },
  secrets: { s: { file: '/s' }, t: { file: '/t' } },
  configs: { c: { content: 'x' } },
  models: { m: { model: 'ai/x' } },
  environment: {},
});

describe('resources and names', () => {
  it('drops what no service uses (services left out by profiles count)', () => {
    const p = withoutUnusedResources(base());
    expect(Object.keys(p.networks).sort()).toEqual(['back', 'default', 'front']);
    expect(Object.keys(p.volumes)).toEqual(['data']);
    expect(Object.keys(p.secrets)).toEqual(['s']);
    expect(p.configs).toEqual({});
    expect(p.models).toEqual({});
  });

  it('--compatibility names containers, one-offs and built images with `_`', () => {
    const p = { ...base(), separator: '_' as const };
    expect(nameOf({ project: p, service: 'web', number: 2 })).toBe('p_web_2');
    expect(nameOf({ project: p, service: 'web', number: 1, oneoff: { suffix: 'abc' } })).toBe('p_web_run_abc');
    expect(serviceImage(p, 'built')).toBe('p_built');
    expect(nameOf({ project: base(), service: 'web', number: 2 })).toBe('p-web-2');
    expect(serviceImage(base(), 'built')).toBe('p-built');
  });
});
