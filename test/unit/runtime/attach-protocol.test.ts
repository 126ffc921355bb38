import { describe, expect, it } from 'vitest';
import { DetachKeyMatcher, encodeFrames, Frame, FrameDecoder } from '../../../src/runtime/monitor/attach-protocol.js';

describe('attach frames', () => {
  it('encodes type, big-endian length and payload', () => {
    expect([...encodeFrames(Frame.Stdin, Buffer.from('hi'))]).toEqual([0, 0, 2, 104, 105]);
    expect([...encodeFrames(Frame.StdinEof)]).toEqual([4, 0, 0]);
  });

  it('splits payloads over 64 KiB into several frames', () => {
    const big = encodeFrames(Frame.Stdin, Buffer.alloc(70_000, 1));
    const frames = new FrameDecoder().push(big);
    expect(frames.map((f) => f.payload.length)).toEqual([65535, 4465]);
  });

  it('decodes frames cut anywhere', () => {
    const wire = Buffer.concat([encodeFrames(Frame.Stdout, Buffer.from('out')), encodeFrames(Frame.Stderr, Buffer.from('err')), encodeFrames(Frame.Exit, Buffer.from('{}'))]);
    const d = new FrameDecoder();
    const got: Array<[number, string]> = [];
    for (const byte of wire) for (const f of d.push(Uint8Array.of(byte))) got.push([f.type, f.payload.toString()]);
    expect(got).toEqual([
      [1, 'out'],
      [2, 'err'],
      [3, '{}'],
    ]);
  });
});

describe('detach keys', () => {
  const keys = Uint8Array.of(16, 17);
  it('detaches on the sequence and forwards what came before it', () => {
    const m = new DetachKeyMatcher(keys);
    expect(m.feed(Buffer.from('ab\x10\x11cd'))).toEqual({ forward: Buffer.from('ab'), detach: true });
  });
  it('matches across chunks', () => {
    const m = new DetachKeyMatcher(keys);
    expect(m.feed(Buffer.from('x\x10'))).toEqual({ forward: Buffer.from('x'), detach: false });
    expect(m.feed(Buffer.from('\x11'))).toEqual({ forward: Buffer.alloc(0), detach: true });
  });
  it('passes a broken prefix on, and restarts on the first key', () => {
    const m = new DetachKeyMatcher(keys);
    expect(m.feed(Buffer.from('\x10a\x10\x10'))).toEqual({ forward: Buffer.from('\x10a\x10'), detach: false });
    expect(m.feed(Buffer.from('\x11'))).toEqual({ forward: Buffer.alloc(0), detach: true });
  });
  it('never detaches without keys', () => {
    expect(new DetachKeyMatcher(new Uint8Array()).feed(Buffer.from('\x10\x11'))).toEqual({ forward: Buffer.from('\x10\x11'), detach: false });
  });
});

describe('fast rmtree guards', async () => {
  const { hasMountBeneath, mountPoints } = await import('../../../src/host/helper/fast-rmtree.js');
  const info = '22 1 0:21 / /proc rw - proc proc rw\n30 22 0:5 / /tmp/a\\040b/merged rw - overlay overlay rw\n31 1 8:1 / / rw - ext4 /dev/sda1 rw\n';
  it('reads mount points, octal escapes decoded', () => {
    expect(mountPoints(info)).toEqual(['/proc', '/tmp/a b/merged', '/']);
  });
  it('sees a mount point at or beneath a path, not beside it', () => {
    const m = mountPoints(info);
    expect(hasMountBeneath(m, '/tmp/a b')).toBe(true);
    expect(hasMountBeneath(m, '/tmp/a b/merged')).toBe(true);
    expect(hasMountBeneath(m, '/tmp/a')).toBe(false);
    expect(hasMountBeneath(m, '/tmp/a b/other')).toBe(false);
  });
});
