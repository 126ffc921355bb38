// The build's terminal view as data (src/cli/ui/build/model.ts): permanent
// lines are podman's lines with every output line under its STEP line, in
// order, each once; the live area; and when the view is chosen at all.

import { describe, expect, it } from 'vitest';
import { BuildViewModel, formatElapsed, visibleLine, WINDOW } from '../../../src/cli/ui/build/model.js';
import { wantsBuildView } from '../../../src/cli/ui/build/select.js';

const S0 = { stage: 0 };

describe('build view model', () => {
  it('a step: its STEP line, then its output, then the --> line, written once', () => {
    const m = new BuildViewModel();
    m.step(S0, 'STEP 1/2: FROM bb', 0);
    m.step(S0, 'STEP 2/2: RUN make', 10);
    expect(m.take()).toEqual(['STEP 1/2: FROM bb']);
    m.output(0, 'one\ntw');
    m.output(0, 'o\nthree');
    expect(m.take()).toEqual([]); // held while the step runs
    expect(m.live(1_510, 40, 20)).toEqual([`${'STEP 2/2: RUN make'.padEnd(35)} 1.5s`, '  one', '  two', '  three']);
    m.outputEnd(0);
    m.line('--> abc', S0);
    expect(m.take()).toEqual(['STEP 2/2: RUN make', 'one', 'two', 'three', '--> abc']);
    expect(m.busy()).toBe(false);
    expect(m.live(2_000, 40, 20)).toEqual([]);
  });

  it('a long step: what it printed becomes permanent every 500 lines, its STEP line once; the window keeps the last lines', () => {
    const m = new BuildViewModel();
    m.step(S0, 'STEP 2/2: RUN seq', 0);
    m.output(0, Array.from({ length: 1_203 }, (_, i) => `l${i}\n`).join(''));
    const first = m.take();
    expect(first).toEqual(['STEP 2/2: RUN seq', ...Array.from({ length: 1_000 }, (_, i) => `l${i}`)]);
    const live = m.live(0, 80, 30);
    expect(live.slice(1)).toEqual(Array.from({ length: WINDOW }, (_, i) => `  l${1_203 - WINDOW + i}`));
    m.finish();
    expect(m.take()).toEqual(Array.from({ length: 203 }, (_, i) => `l${1_000 + i}`));
  });

  it('steps of two stages side by side keep their output apart; a line without a stage joins the only running step', () => {
    const m = new BuildViewModel();
    m.step({ stage: 0, name: 'a' }, '[1/2] STEP 2/2: RUN x', 0);
    m.step({ stage: 1, name: 'b' }, '[2/2] STEP 2/2: RUN y', 0);
    m.output(0, 'x1\n');
    m.output(1, 'y1\n');
    m.output(0, 'x2\n');
    m.line('a warning'); // two running: straight to the log
    m.line('--> 1', { stage: 1 });
    m.line('--> 0', { stage: 0 });
    expect(m.take()).toEqual(['a warning', '[2/2] STEP 2/2: RUN y', 'y1', '--> 1', '[1/2] STEP 2/2: RUN x', 'x1', 'x2', '--> 0']);
    m.step(S0, 'STEP 1/1: FROM reg/img', 0);
    m.line('Trying to pull reg/img...');
    m.line('--> 2', S0);
    expect(m.take()).toEqual(['STEP 1/1: FROM reg/img', 'Trying to pull reg/img...', '--> 2']);
  });

  it('the live area: a label with the stage name and timer, cut to the width, never taller than asked', () => {
    const m = new BuildViewModel();
    m.step({ stage: 0, name: 'builder' }, '[1/2] STEP 3/5: RUN a-very-long-command-line-that-does-not-fit', 0);
    m.output(0, Array.from({ length: 20 }, (_, i) => `o${i}\n`).join(''));
    const rows = m.live(62_000, 40, 4);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toHaveLength(40);
    expect(rows[0]).toBe('builder: [1/2] STEP 3/5: RUN a-ve… 1m02s');
    expect(rows.slice(1)).toEqual(['  o17', '  o18', '  o19']);
  });

  it('a line as the terminal leaves it: last carriage-return segment, colours kept, cursor moves dropped, tabs expanded', () => {
    expect(visibleLine('10%\r50%\r100%')).toBe('100%');
    expect(visibleLine('dos line\r')).toBe('dos line');
    expect(visibleLine('\x1b[31mred\x1b[0m \x1b[2Kx\x1b[1A\x07')).toBe('\x1b[31mred\x1b[0m x');
    expect(visibleLine('a\tb\tc')).toBe('a       b       c');
    expect(formatElapsed(400)).toBe('0.4s');
    expect(formatElapsed(3_723_000)).toBe('1h02m');
  });
});

describe('when build shows the view', () => {
  const tty = { isTTY: true, rows: 24, columns: 80 };
  it('both streams on a sized terminal, not -q, not debug, not CI or TERM=dumb', () => {
    expect(wantsBuildView({ quiet: false }, tty, tty, { TERM: 'xterm' })).toBe(true);
    expect(wantsBuildView({ quiet: false, logLevel: 'info' }, tty, tty, {})).toBe(true);
    expect(wantsBuildView({ quiet: true }, tty, tty, {})).toBe(false);
    expect(wantsBuildView({ quiet: false, logLevel: 'debug' }, tty, tty, {})).toBe(false);
    expect(wantsBuildView({ quiet: false, logLevel: 'trace' }, tty, tty, {})).toBe(false);
    expect(wantsBuildView({ quiet: false }, { isTTY: false }, tty, {})).toBe(false);
    expect(wantsBuildView({ quiet: false }, tty, { isTTY: false }, {})).toBe(false);
    expect(wantsBuildView({ quiet: false }, { isTTY: true, rows: 0, columns: 0 }, tty, {})).toBe(false);
    expect(wantsBuildView({ quiet: false }, tty, tty, { TERM: 'dumb' })).toBe(false);
    expect(wantsBuildView({ quiet: false }, tty, tty, { CI: 'true' })).toBe(false);
  });
});
