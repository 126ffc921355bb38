// The plain progress lines (podman 4.3's) and the deferred reporter that
// only comes into being when a copy really starts.

import { describe, expect, it } from 'vitest';
import { deferredProgress, plainLine, plainProgress } from '../../../src/cli/progress.js';
import type { CopyEvent, CopyProgress } from '../../../src/image/progress.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('plain progress', () => {
  it('prints podman\'s lines and nothing for byte counts or states', () => {
    const out: string[] = [];
    const p = plainProgress((t) => out.push(t));
    const events: CopyEvent[] = [
      { type: 'start' },
      { type: 'read', bytes: 10, total: 20 },
      { type: 'blob', digest: D, size: 5 },
      { type: 'blob-state', digest: D, state: 'unpacking' },
      { type: 'blob-bytes', digest: D, bytes: 5 },
      { type: 'blob-done', digest: D, skipped: false },
      { type: 'config', digest: D },
      { type: 'manifest' },
      { type: 'stored' },
      { type: 'note', line: 'Trying to pull x...' },
    ];
    for (const e of events) p.emit(e);
    expect(out.join('')).toBe(
      `Getting image source signatures\nCopying blob ${D}\nCopying config ${D}\nWriting manifest to image destination\nStoring signatures\nTrying to pull x...\n`,
    );
    expect(plainLine({ type: 'blob-bytes', digest: D, bytes: 1 })).toBeUndefined();
  });
});

describe('deferredProgress', () => {
  it('makes nothing when no event comes (a command that fails first shows only its error)', async () => {
    let made = 0;
    const p = deferredProgress(async () => {
      made++;
      return { emit() {} };
    });
    await p.close?.();
    expect(made).toBe(0);
  });

  it('makes the reporter once, on the first event, and hands it every event in order before closing it', async () => {
    const seen: string[] = [];
    let made = 0;
    const real: CopyProgress = {
      emit: (e) => seen.push(e.type),
      close: async () => {
        seen.push('closed');
      },
    };
    const p = deferredProgress(async () => {
      made++;
      await new Promise((r) => setTimeout(r, 10));
      return real;
    });
    p.emit({ type: 'start' });
    p.emit({ type: 'manifest' });
    p.emit({ type: 'stored' });
    await p.close?.();
    expect(made).toBe(1);
    expect(seen).toEqual(['start', 'manifest', 'stored', 'closed']);
  });
});
