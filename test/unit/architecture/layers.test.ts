// The layering rule of docs/architecture.md, checked over the real import graph:
//   cli → domain → storage/host/events → format/errors/config
// A module may import from its own layer or one below, never above. A new
// top-level folder under src/ must be given a layer here before it can land.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(__dirname, '../../../src');

const LAYERS: Record<string, number> = {
  // ground floor: no I/O policy of their own, used by everyone
  format: 0,
  'errors.ts': 0,
  config: 0,
  'version.ts': 0,
  // the machine and the store
  storage: 1,
  host: 1,
  events: 1,
  // the domain
  image: 2,
  build: 2,
  runtime: 2,
  network: 2,
  pod: 2,
  kube: 2,
  compose: 2,
  volume: 2,
  'container-fs': 2,
  health: 2,
  secret: 2,
  // the commands
  cli: 3,
  // the single executable: its start loads the commands; its embedded-file
  // store (cache root, manifest, verified files) serves host/helper below
  'sea/main.ts': 4,
  sea: 1,
};

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.(ts|tsx)$/.test(e.name)) out.push(p);
  }
  return out;
}

// The key of LAYERS that holds `file`: the file itself (as its .ts name) when
// it has a layer of its own, else its top-level folder (or file) under src/.
function topOf(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep).join('/').replace(/\.js$/, '.ts');
  if (LAYERS[rel] !== undefined) return rel;
  return rel.split('/')[0] ?? '';
}

// Static and dynamic imports and re-exports with a relative specifier.
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}\/[^'"]+)\1/gm;

export function layerViolations(): string[] {
  const bad: string[] = [];
  for (const file of walk(SRC)) {
    const fromTop = topOf(file);
    const from = LAYERS[fromTop];
    if (from === undefined) {
      bad.push(`${path.relative(SRC, file)}: src/${fromTop} has no layer in test/unit/architecture/layers.test.ts`);
      continue;
    }
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const target = path.resolve(path.dirname(file), m[2]!);
      if (!target.startsWith(SRC + path.sep)) continue;
      const toTop = topOf(target);
      const to = LAYERS[toTop];
      if (to === undefined || to > from) {
        bad.push(`${path.relative(SRC, file)} (${fromTop}, layer ${from}) imports ${m[2]} (${toTop}, layer ${to ?? '?'})`);
      }
    }
  }
  return bad;
}

describe('import direction', () => {
  it('no import runs from a lower layer up to a higher one', () => {
    expect(layerViolations()).toEqual([]);
  });

  it('the check sees imports (a violation planted in a scan of a string is found)', () => {
    const sample = "import { x } from '../cli/main.js';\nconst m = await import('../../cli/x.js');";
    expect([...sample.matchAll(IMPORT)].map((m) => m[2])).toEqual(['../cli/main.js', '../../cli/x.js']);
  });
});
