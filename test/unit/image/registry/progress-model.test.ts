import { describe, expect, it } from 'vitest';
import { applyEvent, emptyModel, formatBytes, formatRow, speedOf } from '../../../../src/cli/ui/progress/model.js';

const A = 'sha256:' + 'a'.repeat(64);
const B = 'sha256:' + 'b'.repeat(64);

describe('progress model', () => {
  it('tracks rows through their states and bytes', () => {
    const m = emptyModel();
    applyEvent(m, { type: 'start' }, 0);
    applyEvent(m, { type: 'blob', digest: A, size: 2048 }, 0);
    applyEvent(m, { type: 'blob', digest: B, size: 10 }, 0);
    expect(formatRow(m.live[0]!, 100, 0)).toBe('Copying blob aaaaaaaaaaaa waiting');
    applyEvent(m, { type: 'blob-state', digest: A, state: 'downloading' }, 0);
    applyEvent(m, { type: 'blob-bytes', digest: A, bytes: 1024 }, 1000);
    expect(speedOf(m.live[0]!, 1000)).toBe(1024);
    const row = formatRow(m.live[0]!, 100, 1000);
    expect(row).toMatch(/^Copying blob aaaaaaaaaaaa \[=+>-+\] 1\.0KiB \/ 2\.0KiB 1\.0KiB\/s downloading$/);
    expect(row.length).toBeLessThanOrEqual(100);
    expect(formatRow(m.live[0]!, 40, 1000).length).toBeLessThanOrEqual(40);
    applyEvent(m, { type: 'blob-done', digest: B, skipped: true }, 1000);
    expect(formatRow(m.live[1]!, 100, 0)).toBe('Copying blob bbbbbbbbbbbb skipped: already exists');
  });

  it('moves finished rows into the log before the next note, keeping podman order', () => {
    const m = emptyModel();
    applyEvent(m, { type: 'note', line: 'Trying to pull x...' }, 0);
    applyEvent(m, { type: 'blob', digest: A, size: 1 }, 0);
    applyEvent(m, { type: 'blob-done', digest: A, skipped: false }, 0);
    applyEvent(m, { type: 'config', digest: B }, 0);
    applyEvent(m, { type: 'manifest' }, 0);
    expect(m.log).toEqual(['Trying to pull x...', 'Copying blob aaaaaaaaaaaa done', 'Copying config bbbbbbbbbb done', 'Writing manifest to image destination']);
    expect(m.live).toEqual([]);
  });

  it('prints sizes like the progress bars of podman', () => {
    expect(formatBytes(110)).toBe('110.0b');
    expect(formatBytes(1024 * 1024)).toBe('1.0MiB');
    expect(formatBytes(524)).toBe('524.0b');
  });
});
