// IPv4 and IPv6 addresses and CIDR subnets as bigints: parsing, printing
// (Go's net.IP.String forms, which podman's JSON uses), containment and
// overlap. Pure.

export interface IpAddr {
  v6: boolean;
  value: bigint;
}

export interface IpNet {
  v6: boolean;
  /** The network address (host bits cleared). */
  base: bigint;
  prefix: number;
}

const bitsOf = (v6: boolean): number => (v6 ? 128 : 32);

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    v = (v << 8n) | BigInt(Number(p));
  }
  return v;
}

function parseV6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  let tail4: bigint | undefined;
  let text = s;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tail4 = parseV4(s.slice(lastColon + 1));
    if (tail4 === undefined) return undefined;
    text = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): string[] | undefined => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<string>(missing).fill('0'), ...tail];
  let v = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail4 !== undefined) v = (v & ~0xffffffffn) | tail4;
  return v;
}

export function parseIp(s: string): IpAddr | undefined {
  if (s.includes(':')) {
    const v = parseV6(s);
    if (v === undefined) return undefined;
    // An IPv4-mapped address is IPv4, as Go's To4 says.
    if (v >> 32n === 0xffffn) return { v6: false, value: v & 0xffffffffn };
    return { v6: true, value: v };
  }
  const v = parseV4(s);
  return v === undefined ? undefined : { v6: false, value: v };
}

export function formatIp(a: IpAddr): string {
  if (!a.v6) return [24n, 16n, 8n, 0n].map((sh) => String((a.value >> sh) & 255n)).join('.');
  const g: number[] = [];
  for (let i = 7; i >= 0; i--) g.push(Number((a.value >> BigInt(i * 16)) & 0xffffn));
  // The longest run of two or more zero groups becomes "::" (the first such run on a tie).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

function mask(v6: boolean, prefix: number): bigint {
  const bits = bitsOf(v6);
  return ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);
}

/** `10.89.0.0/24` → the net and the address as written (which may have host bits). */
export function parseCidr(s: string): { net: IpNet; addr: IpAddr } | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addr = parseIp(s.slice(0, slash));
  const p = s.slice(slash + 1);
  if (!addr || !/^\d{1,3}$/.test(p)) return undefined;
  // An IPv4-mapped IPv6 CIDR keeps its IPv6 prefix length in Go; we refuse it rather than guess.
  if (!addr.v6 && s.slice(0, slash).includes(':')) return undefined;
  const prefix = Number(p);
  if (prefix > bitsOf(addr.v6)) return undefined;
  return { net: { v6: addr.v6, base: addr.value & mask(addr.v6, prefix), prefix }, addr };
}

export function formatNet(n: IpNet): string {
  return `${formatIp({ v6: n.v6, value: n.base })}/${n.prefix}`;
}

export function netContains(n: IpNet, a: IpAddr): boolean {
  return n.v6 === a.v6 && (a.value & mask(n.v6, n.prefix)) === n.base;
}

/** Do two subnets share an address (one contains the other's base)? */
export function netsOverlap(a: IpNet, b: IpNet): boolean {
  if (a.v6 !== b.v6) return false;
  const p = Math.min(a.prefix, b.prefix);
  const m = mask(a.v6, p);
  return (a.base & m) === (b.base & m);
}

export function firstIp(n: IpNet): IpAddr {
  return { v6: n.v6, value: n.prefix === bitsOf(n.v6) ? n.base : n.base + 1n };
}

export function lastIp(n: IpNet): IpAddr {
  return { v6: n.v6, value: n.base | (((1n << BigInt(bitsOf(n.v6))) - 1n) ^ mask(n.v6, n.prefix)) };
}

/** The next subnet of the same size, or undefined past the end of the address space. */
export function nextNet(n: IpNet): IpNet | undefined {
  const size = 1n << BigInt(bitsOf(n.v6) - n.prefix);
  const base = n.base + size;
  return base >> BigInt(bitsOf(n.v6)) === 0n ? { ...n, base } : undefined;
}

export function sameIp(a: IpAddr, b: IpAddr): boolean {
  return a.v6 === b.v6 && a.value === b.value;
}
