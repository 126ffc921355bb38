// The little of the DNS wire format (RFC 1035) the responder needs: read a
// query's header and first question, and build an answer to it (A, AAAA,
// PTR records, NXDOMAIN, SERVFAIL). Pure; anything else is forwarded as
// bytes, never parsed.

export const TYPE_A = 1;
export const TYPE_PTR = 12;
export const TYPE_AAAA = 28;
const CLASS_IN = 1;

export const RCODE_NOERROR = 0;
export const RCODE_SERVFAIL = 2;
export const RCODE_NXDOMAIN = 3;

export interface Question {
  id: number;
  /** Recursion desired (copied into the answer). */
  rd: boolean;
  /** Lower case, no trailing dot. */
  name: string;
  type: number;
  qclass: number;
  /** Bytes of the question section (echoed in the answer). */
  raw: Buffer;
}

/** The query's first question; undefined for anything that is not a plain query we can read. */
export function parseQuery(msg: Buffer): Question | undefined {
  if (msg.length < 12) return undefined;
  const flags = msg.readUInt16BE(2);
  const qr = flags >> 15;
  const opcode = (flags >> 11) & 0xf;
  if (qr !== 0 || opcode !== 0 || msg.readUInt16BE(4) < 1) return undefined;
  const labels: string[] = [];
  let off = 12;
  for (;;) {
    if (off >= msg.length) return undefined;
    const len = msg[off]!;
    if (len === 0) {
      off++;
      break;
    }
    // Compression pointers never appear in a question we can answer (first name of the message).
    if (len > 63 || off + 1 + len > msg.length) return undefined;
    labels.push(msg.toString('latin1', off + 1, off + 1 + len));
    off += 1 + len;
  }
  if (off + 4 > msg.length) return undefined;
  return {
    id: msg.readUInt16BE(0),
    rd: (flags & 0x0100) !== 0,
    name: labels.join('.').toLowerCase(),
    type: msg.readUInt16BE(off),
    qclass: msg.readUInt16BE(off + 2),
    raw: msg.subarray(12, off + 4),
  };
}

export function encodeName(name: string): Buffer {
  const parts = name.split('.').filter((l) => l !== '');
  const bufs = parts.map((l) => {
    const b = Buffer.from(l, 'latin1');
    return Buffer.concat([Buffer.from([Math.min(b.length, 63)]), b.subarray(0, 63)]);
  });
  return Buffer.concat([...bufs, Buffer.from([0])]);
}

export interface Answer {
  type: number;
  /** 4 or 16 bytes (A, AAAA), or a name (PTR). */
  data: Buffer | string;
}

/** An authoritative answer (names of containers are ours), TTL 60 s as aardvark-dns. */
export function buildResponse(q: Question, rcode: number, answers: readonly Answer[], ttl = 60): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(q.id, 0);
  // QR, AA, RD as asked, RA (we forward the rest).
  header.writeUInt16BE(0x8000 | 0x0400 | (q.rd ? 0x0100 : 0) | 0x0080 | (rcode & 0xf), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  const records = answers.map((a) => {
    const rdata = typeof a.data === 'string' ? encodeName(a.data) : a.data;
    const rr = Buffer.alloc(12);
    // Name: a pointer to the question's name at offset 12.
    rr.writeUInt16BE(0xc00c, 0);
    rr.writeUInt16BE(a.type, 2);
    rr.writeUInt16BE(CLASS_IN, 4);
    rr.writeUInt32BE(ttl, 6);
    rr.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([rr, rdata]);
  });
  return Buffer.concat([header, q.raw, ...records]);
}

/** SERVFAIL for a query we could read the id of (no question: just the header). */
export function servfail(msg: Buffer): Buffer | undefined {
  if (msg.length < 12) return undefined;
  const q = parseQuery(msg);
  if (q) return buildResponse(q, RCODE_SERVFAIL, []);
  const h = Buffer.from(msg.subarray(0, 12));
  h.writeUInt16BE(0x8000 | (h.readUInt16BE(2) & 0x0100) | 0x0080 | RCODE_SERVFAIL, 2);
  h.fill(0, 4);
  return h;
}

export { CLASS_IN };
