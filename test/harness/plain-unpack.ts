// A stand-in for the helper's `unpack` mode (TreeOps.unpack) in unit tests,
// which run without the helper: directories and plain files as the current
// user, nothing else (whiteouts are skipped); a name outside the layer is refused with the helper's
// message. The helper itself is tested in test/integration/unpack-*.test.ts.

import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';

export async function plainUnpack(root: string, input: AsyncIterable<Uint8Array>): Promise<void> {
  const extract = tar.extract();
  const feeding = pipeline(Readable.from(input), extract);
  feeding.catch(() => undefined);
  try {
    for await (const entry of extract) {
      const { name, type } = entry.header;
      if (name.startsWith('/') || name.split('/').includes('..')) {
        throw new Error(`refusing layer entry ${JSON.stringify(name)}: outside the layer`);
      }
      const p = path.join(root, name);
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      if (type === 'directory') fs.mkdirSync(p, { recursive: true });
      if (type === 'file' && !path.basename(name).startsWith('.wh.')) {
        fs.mkdirSync(path.dirname(p), { recursive: true });
        fs.writeFileSync(p, Buffer.concat(chunks));
      }
    }
  } catch (err) {
    extract.destroy();
    throw err;
  }
  await feeding;
}
