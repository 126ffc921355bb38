import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DigestCache } from '../../../src/build/context/digest.js';

describe('digest cache', () => {
  it('is saved even when its directory does not exist yet, and a second build reads it instead of the file', async () => {
    const top = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-digest-'));
    try {
      const file = path.join(top, 'a.bin');
      fs.writeFileSync(file, 'content');
      const st = fs.statSync(file, { bigint: true });
      const entry = { rel: 'a.bin', abs: file, sub: 'a.bin', type: 'file' as const, mode: 0o644, size: Number(st.size), mtimeNs: st.mtimeNs, ino: st.ino };
      const dir = path.join(top, 'build', 'digests');
      const first = new DigestCache(dir, top);
      await first.load();
      const sha = await first.fileSha(entry as never);
      await first.save();
      expect(fs.readdirSync(dir)).toHaveLength(1);
      // Unreadable now: only the cache can answer.
      fs.chmodSync(file, 0);
      const second = new DigestCache(dir, top);
      await second.load();
      if (process.getuid?.() !== 0) expect(await second.fileSha(entry as never)).toBe(sha);
      else expect(await second.fileSha({ ...entry, abs: path.join(top, 'gone') } as never)).toBe(sha);
    } finally {
      fs.rmSync(top, { recursive: true, force: true });
    }
  });
});
