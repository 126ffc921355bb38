import { describe, expect, it } from 'vitest';
import { planSquash, type SquashEntry } from '../../../src/build/exec/squash-plan.js';

const f = (name: string): SquashEntry => ({ name, type: 'file' });
const d = (name: string): SquashEntry => ({ name, type: 'directory' });
const kept = (layers: SquashEntry[][], keepWhiteouts: boolean) => {
  const plan = planSquash(layers, keepWhiteouts);
  return {
    names: layers.flatMap((l, i) => l.filter((_, j) => plan.keep[i]!.has(j)).map((e) => e.name)).sort(),
    opaque: layers.flatMap((l, i) => l.filter((_, j) => plan.opaqueAfter[i]!.has(j)).map((e) => e.name)),
  };
};

describe('squash plan', () => {
  it('later entries win; a file replaces a directory and all under it', () => {
    const r = kept([[d('a/'), f('a/x'), f('b')], [f('a'), f('b')]], true);
    expect(r.names).toEqual(['a', 'b']);
  });

  it('whiteouts delete lower entries of the stack and stay to hide the base (kept) or go (squash-all)', () => {
    const layers = [[d('etc/'), f('etc/motd'), f('etc/keep')], [f('etc/.wh.motd'), f('./.wh.gone')]];
    expect(kept(layers, true).names).toEqual(['./.wh.gone', 'etc/', 'etc/.wh.motd', 'etc/keep']);
    expect(kept(layers, false).names).toEqual(['etc/', 'etc/keep']);
  });

  it('an opaque marker hides everything below in its directory; a directory made again over a whiteout becomes opaque', () => {
    const opq = kept([[d('d/'), f('d/old')], [d('d/'), f('d/.wh..wh..opq'), f('d/new')]], true);
    expect(opq.names).toEqual(['d/', 'd/.wh..wh..opq', 'd/new']);
    const again = kept([[f('x/.wh.y')], [d('x/y/'), f('x/y/z')]], true);
    expect(again.names).toEqual(['x/y/', 'x/y/z']);
    expect(again.opaque).toEqual(['x/y/']);
  });

  it('a file made again where a whiteout was needs no marker', () => {
    expect(kept([[f('.wh.a')], [f('a')]], true)).toEqual({ names: ['a'], opaque: [] });
  });
});

describe('squash plan against the base', () => {
  it('leaves out whiteouts of paths the base lacks (made and removed within the build)', () => {
    const layers = [[d('x/'), d('x/y/'), f('x/y/g')], [f('x/.wh.y'), f('etc/.wh.motd')]];
    const plan = planSquash(layers, true, (p) => p === 'etc/motd');
    const names = layers.flatMap((l, i) => l.filter((_, j) => plan.keep[i]!.has(j)).map((e) => e.name)).sort();
    expect(names).toEqual(['etc/.wh.motd', 'x/']);
  });
});
