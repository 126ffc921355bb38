import { describe, expect, it } from 'vitest';
import { applyProgress, emptyModel, failRunning, frameOf, frameText } from '../../../src/cli/ui/compose/model.js';
import { progressMode } from '../../../src/cli/ui/compose/select.js';

describe('compose live progress model', () => {
  it('one row per resource in the order first seen, the latest step, done/total in the title', () => {
    const m = emptyModel('Running');
    applyProgress(m, 'Network', 'p_default', 'Creating', 0);
    applyProgress(m, 'Container', 'p-db-1', 'Creating', 100);
    applyProgress(m, 'Network', 'p_default', 'Created', 200);
    applyProgress(m, 'Container', 'p-db-1', 'Started', 600);
    applyProgress(m, 'Container', 'p-web-1', 'Waiting', 700);
    const f = frameOf(m, 1800);
    expect(f.title).toBe('[+] Running 2/3');
    expect(f.complete).toBe(false);
    expect(f.lines.map((l) => [l.head, l.status, l.state, l.timer])).toEqual([
      [' ✔ Network p_default', 'Created', 'done', '0.2s'],
      [' ✔ Container p-db-1 ', 'Started', 'done', '0.5s'],
      // Under way: a spinner frame of the time, the time so far.
      [' ⠇ Container p-web-1', 'Waiting', 'working', '1.1s'],
    ]);
    applyProgress(m, 'Container', 'p-web-1', 'Healthy', 2000);
    expect(frameText(frameOf(m, 5000), 40)).toBe(
      ['[+] Running 3/3', ' ✔ Network p_default Created       0.2s ', ' ✔ Container p-db-1  Started       0.5s ', ' ✔ Container p-web-1 Healthy       1.3s '].join('\n'),
    );
    expect(frameOf(m, 5000).complete).toBe(true);
  });

  it('a recreated container keeps its row (Recreate, Stopping, ... Started); a failure marks what was under way', () => {
    const m = emptyModel('Running', ' DRY-RUN MODE - ');
    for (const [i, s] of ['Recreate', 'Stopping', 'Stopped', 'Removing', 'Removed', 'Creating'].entries()) applyProgress(m, 'Container', 'p-a-1', s, i);
    applyProgress(m, 'Image', 'p-b', 'Building', 10);
    expect(m.rows.length).toBe(2);
    failRunning(m, 20);
    const f = frameOf(m, 30);
    expect(f.lines.map((l) => [l.head, l.status, l.state])).toEqual([
      [' ✘ DRY-RUN MODE -  Container p-a-1', 'Error', 'error'],
      [' ✘ DRY-RUN MODE -  Image p-b      ', 'Error', 'error'],
    ]);
    expect(f.title).toBe('[+] Running 2/2');
  });
});

describe('compose --progress and --ansi', () => {
  const warnings: string[] = [];
  const mode = (progress: string | undefined, ansi: string | undefined, isTTY: boolean, env: Record<string, string> = {}) => progressMode({ progress, ansi, isTTY, env, warn: (m) => warnings.push(m) });
  it('auto: the live view on a terminal (not for CI or TERM=dumb), plain lines otherwise', () => {
    expect(mode(undefined, 'auto', true)).toBe('tty');
    expect(mode('auto', 'auto', false)).toBe('plain');
    expect(mode('auto', 'auto', true, { CI: 'true' })).toBe('plain');
    expect(mode('auto', 'auto', true, { TERM: 'dumb' })).toBe('plain');
    expect(mode('auto', 'never', true)).toBe('plain');
    expect(mode('auto', 'always', true, { CI: '1' })).toBe('tty');
    expect(mode('auto', 'always', false)).toBe('plain');
  });
  it('tty, plain, quiet (none) force theirs; tty without a terminal warns and is plain', () => {
    expect(mode('plain', 'auto', true)).toBe('plain');
    expect(mode('quiet', 'auto', true)).toBe('quiet');
    expect(mode('none', 'auto', false)).toBe('quiet');
    expect(mode('tty', 'auto', true)).toBe('tty');
    expect(warnings).toEqual([]);
    expect(mode('tty', 'auto', false)).toBe('plain');
    expect(warnings).toEqual(['Terminal is not a POSIX console']);
  });
  it("refuses docker compose's contradictions and unknown modes", () => {
    expect(() => mode('tty', 'never', true)).toThrow("can't use --progress tty while ANSI support is disabled");
    expect(() => mode('plain', 'always', true)).toThrow("can't use --progress plain while ANSI support is forced");
    expect(() => mode('fancy', 'auto', true)).toThrow('unsupported --progress value "fancy"');
  });
});
