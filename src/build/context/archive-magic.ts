// Whether the first bytes of a file or stream are a (compressed) tar archive,
// as buildah sniffs ADD sources and a build context on stdin. Pure.

export function looksLikeArchiveHead(b: Buffer): boolean {
  if (b[0] === 0x1f && b[1] === 0x8b) return true; // gzip
  if (b.length >= 4 && b.readUInt32LE(0) === 0xfd2fb528) return true; // zstd
  if (b[0] === 0x42 && b[1] === 0x5a && b[2] === 0x68) return true; // bzip2
  if (b.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return true; // xz
  return b.length >= 262 && b.subarray(257, 262).toString('latin1') === 'ustar';
}
