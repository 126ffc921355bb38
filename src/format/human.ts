// Human sizes and ages exactly as podman prints them (docker/go-units'
// HumanSizeWithPrecision and HumanDuration, Go's %g), so columns such as
// "1.99 MB" and "2 days ago" match byte for byte. Pure.

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'] as const;

/**
 * Go's `%.{precision}g`: `precision` significant digits, trailing zeros
 * dropped, exponent form (`1e+03`) when the exponent is below -4 or not
 * below the digits kept.
 */
export function goFormatG(value: number, precision: number): string {
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN';
  if (value === 0) return '0';
  const neg = value < 0;
  const [mant, expText] = Math.abs(value).toExponential(Math.max(precision, 1) - 1).split('e') as [string, string];
  const digits = mant.replace('.', '').replace(/0+$/, '') || '0';
  const exp = Number(expText);
  const nd = digits.length;
  const dp = exp + 1; // position of the decimal point after the first digit string
  let eprec = precision;
  if (eprec > nd && nd >= dp) eprec = nd;
  let out: string;
  if (exp < -4 || exp >= eprec) {
    const p = Math.min(precision, nd);
    const frac = digits.slice(1, p);
    const e = Math.abs(exp);
    out = digits[0]! + (frac ? '.' + frac : '') + 'e' + (exp < 0 ? '-' : '+') + (e < 10 ? '0' : '') + e;
  } else if (dp <= 0) {
    out = '0.' + '0'.repeat(-dp) + digits;
  } else if (dp >= nd) {
    out = digits + '0'.repeat(dp - nd);
  } else {
    out = digits.slice(0, dp) + '.' + digits.slice(dp);
  }
  return neg ? '-' + out : out;
}

/** go-units' HumanSizeWithPrecision: decimal units, no space (`3.975MB`, `0B`); `system df` prints these (precision 4). */
export function goHumanSize(bytes: number, precision = 4): string {
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < DECIMAL_UNITS.length - 1) {
    size /= 1000;
    i++;
  }
  return goFormatG(size, precision) + DECIMAL_UNITS[i];
}

/** `1987655` → `1.99 MB`: 3 significant digits and a space before the unit, as `images` and `history` print sizes. */
/** go-units BytesSize: binary units, `%.4g` (`1.5KiB`, `7.765GiB`), as docker's stats prints memory. */
export function bytesSize(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${goFormatG(v, 4)}${units[i]}`;
}

export function humanSize(bytes: number, precision = 3): string {
  const s = goHumanSize(bytes, precision);
  const lastDigit = s.search(/[0-9][^0-9]*$/); // podman splits after the last digit: `1e+03 kB`
  return s.slice(0, lastDigit + 1) + ' ' + s.slice(lastDigit + 1);
}

/** go-units' HumanDuration: `Less than a second`, `About a minute`, `3 hours`, `2 weeks`... */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / 3_600_000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / 3_600_000) / 24 / 365)} years`;
}

/** `2 days ago`, measured from `now`. */
export function timeAgo(when: Date, now: Date = new Date()): string {
  return `${humanDuration(now.getTime() - when.getTime())} ago`;
}

/** Go's time.Time.String() for a UTC time: `2026-11-22 11:30:16 +0000 UTC` (nanoseconds when non-zero). */
export function goTimeString(when: Date, nanos?: number): string {
  const iso = when.toISOString(); // 2026-11-22T11:30:16.218Z
  let frac = '';
  const ns = nanos ?? when.getUTCMilliseconds() * 1_000_000;
  if (ns > 0) frac = '.' + String(ns).padStart(9, '0').replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac} +0000 UTC`;
}

/** RFC 3339 in UTC without fractional seconds, as Go's time.RFC3339 prints a UTC time: `2026-11-22T11:30:16Z`. */
export function rfc3339(when: Date): string {
  return when.toISOString().slice(0, 19) + 'Z';
}
