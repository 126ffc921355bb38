// The fixup list: what Node cannot do to an unpacked tree as the user
// (ownership by sub-ids, device nodes, whiteouts, privileged xattrs) written
// as text for the helper's `fixup` mode, which applies it inside the user
// namespace. Format (docs/helper-protocol.md): one record per line, fields
// separated by single spaces, paths relative to the tree's root and
// percent-encoded; numbers decimal except MODE (octal). Pure.

export type FixupRecord =
  | { op: 'chown'; path: string; uid: number; gid: number }
  | { op: 'chmod'; path: string; mode: number }
  | { op: 'mknod'; path: string; kind: 'c' | 'b' | 'p'; major: number; minor: number; mode: number }
  | { op: 'xattr'; path: string; name: string; value: Uint8Array }
  | { op: 'link'; path: string; target: string }
  | { op: 'mtime'; path: string; sec: number; nsec: number };

/** Whether a byte must be written as %XX: controls, space, '%' and DEL. */
function needsEscape(byte: number): boolean {
  return byte <= 0x20 || byte === 0x25 || byte === 0x7f;
}

/** Percent-encode a path (or name) byte-wise; the tree's root itself is `.`. */
export function encodeFixupField(value: string): string {
  if (value === '') return '.';
  const bytes = Buffer.from(value, 'utf8');
  let out = '';
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (!needsEscape(bytes[i]!)) continue;
    out += bytes.subarray(start, i).toString('utf8') + '%' + bytes[i]!.toString(16).toUpperCase().padStart(2, '0');
    start = i + 1;
  }
  return out + bytes.subarray(start).toString('utf8');
}

/** Inverse of encodeFixupField (for tests and for reading lists back). */
export function decodeFixupField(field: string): string {
  if (field === '.') return '';
  const bytes: number[] = [];
  const raw = Buffer.from(field, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const hex = i + 2 < raw.length ? String.fromCharCode(raw[i + 1]!, raw[i + 2]!) : '';
    if (raw[i] === 0x25 && /^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(raw[i]!);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8);
}

export function encodeFixupRecord(r: FixupRecord): string {
  const p = encodeFixupField(r.path);
  switch (r.op) {
    case 'chown':
      return `chown ${p} ${r.uid} ${r.gid}`;
    case 'chmod':
      return `chmod ${p} ${octal(r.mode)}`;
    case 'mknod':
      return `mknod ${p} ${r.kind} ${r.major} ${r.minor} ${octal(r.mode)}`;
    case 'xattr':
      return `xattr ${p} ${encodeFixupField(r.name)} ${Buffer.from(r.value).toString('hex')}`;
    case 'link':
      return `link ${p} ${encodeFixupField(r.target)}`;
    case 'mtime':
      return `mtime ${p} ${r.sec} ${r.nsec}`;
  }
}

/** The whole list as the helper reads it on stdin: one record per line. */
export function encodeFixupList(records: Iterable<FixupRecord>): string {
  let out = '';
  for (const r of records) out += encodeFixupRecord(r) + '\n';
  return out;
}
