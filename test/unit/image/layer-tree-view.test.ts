import { describe, expect, it } from 'vitest';
import { renderLayerTree, type TreeLayer } from '../../../src/image/layer-tree-view.js';

const hex = (c: string) => c.repeat(64);
const layer = (id: string, parent: string | null, size: number): [string, TreeLayer] => [hex(id), { id: hex(id), parent: parent && hex(parent), size }];

describe('image tree view (podman 4.3 / gotree)', () => {
  // a <- b <- c (image t1), b <- d (image t2), a <- e <- f (image t3)
  const all = new Map([layer('a', null, 1997597), layer('b', 'a', 3072), layer('c', 'b', 3072), layer('d', 'b', 3072), layer('e', 'a', 10), layer('f', 'e', 20)]);
  const topOf = new Map([[hex('a'), ['bb:latest', 'bb:1']], [hex('c'), ['t1:latest']], [hex('d'), ['t2:latest']], [hex('f'), ['t3:latest']]]);
  const input = { imageId: hex('9'), repoTags: ['bb:latest', 'bb:1'], size: 1998000, layers: [hex('a')], all, topOf };

  it('lists the image\'s layers bottom first with sizes and the tags they top', () => {
    expect(renderLayerTree({ ...input, layers: [hex('a'), hex('b'), hex('c')], repoTags: ['t1:latest'] }, false)).toBe(
      [
        'Image ID: 999999999999',
        'Tags:     [t1:latest]',
        'Size:     1.998MB',
        'Image Layers',
        '├── ID: aaaaaaaaaaaa Size: 1.998MB Top Layer of: [bb:latest bb:1]',
        '├── ID: bbbbbbbbbbbb Size: 3.072kB',
        '└── ID: cccccccccccc Size: 3.072kB Top Layer of: [t1:latest]',
        '',
        '',
      ].join('\n'),
    );
  });

  it('--whatrequires: a chain stays flat, a branch with descendants becomes a subtree', () => {
    expect(renderLayerTree(input, true)).toBe(
      [
        'Image ID: 999999999999',
        'Tags:     [bb:latest bb:1]',
        'Size:     1.998MB',
        'Image Layers',
        '├── ID: aaaaaaaaaaaa Size: 1.998MB Top Layer of: [bb:latest bb:1]',
        '├── ID: bbbbbbbbbbbb Size: 3.072kB',
        '│   ├── ID: cccccccccccc Size: 3.072kB Top Layer of: [t1:latest]',
        '│   └── ID: dddddddddddd Size: 3.072kB Top Layer of: [t2:latest]',
        '└── ID: eeeeeeeeeeee Size:     10B',
        '    └── ID: ffffffffffff Size:     20B Top Layer of: [t3:latest]',
        '',
        '',
      ].join('\n'),
    );
  });

  it('an image without layers says so', () => {
    expect(renderLayerTree({ ...input, layers: [], repoTags: [] }, false)).toBe('Image ID: 999999999999\nTags:     []\nSize:     1.998MB\nNo Image Layers\n\n');
  });
});
