import { describe, expect, it } from 'vitest';
import { classifyWhiteout } from '../../../../src/storage/layers/whiteout.js';

describe('classifyWhiteout', () => {
  it.each([
    ['etc/.wh.passwd', { kind: 'whiteout', path: 'etc/passwd' }],
    ['.wh.tmp', { kind: 'whiteout', path: 'tmp' }],
    ['usr/.wh..wh..opq', { kind: 'opaque', path: 'usr' }],
    ['.wh..wh..opq', { kind: 'opaque', path: '' }],
    ['x/.wh..wh.plnk', { kind: 'ignore' }],
    ['x/.wh.', { kind: 'ignore' }],
    ['x/.wh...', { kind: 'ignore' }],
    ['etc/passwd', undefined],
    ['etc/x.wh.y', undefined],
  ])('%s → %j', (p, want) => {
    expect(classifyWhiteout(p)).toEqual(want);
  });
});
