// The prefix of each container's log lines in `compose logs` and an attached
// `up`, as docker compose v2 draws it: `NAME | ` with NAME (`web-1`, a
// one-off's full name) padded to the longest name plus one, and on a
// terminal each container's prefix (and its "exited with code" line) in a
// colour of its own, handed out in docker compose's order (cyan, yellow,
// green, magenta, blue, then the same in bold) to the containers sorted by
// name. Pure.

const RAINBOW = ['36', '33', '32', '35', '34', '36;1', '33;1', '32;1', '35;1', '34;1'];

export type Paint = (s: string) => string;

const plain: Paint = (s) => s;

/** The colour of the i-th container registered. */
export function rainbowColor(i: number): Paint {
  const code = RAINBOW[i % RAINBOW.length]!;
  return (s) => `\x1b[${code}m${s}\x1b[0m`;
}

export interface PrefixSubject {
  id: string;
  name: string;
  service: string;
  number: number;
  oneoff: boolean;
}

export function displayName(c: Pick<PrefixSubject, 'service' | 'number' | 'oneoff' | 'name'>): string {
  return c.oneoff ? c.name : `${c.service}-${c.number}`;
}

export interface Presenter {
  /** Put before each log line ('' with --no-log-prefix). */
  prefix: string;
  /** Colours a status line such as `web-1 exited with code 0`. */
  paint: Paint;
  name: string;
}

/** A presenter per container id; colours only when asked (a terminal, no --no-color). */
export function presenters(cs: readonly PrefixSubject[], o: { prefix: boolean; color: boolean }): Map<string, Presenter> {
  const sorted = [...cs].sort((a, b) => (displayName(a) < displayName(b) ? -1 : displayName(a) > displayName(b) ? 1 : 0));
  const width = Math.max(0, ...cs.map((c) => displayName(c).length)) + 1;
  const out = new Map<string, Presenter>();
  sorted.forEach((c, i) => {
    const paint = o.color ? rainbowColor(i) : plain;
    const name = displayName(c);
    out.set(c.id, { name, paint, prefix: o.prefix ? paint(`${name.padEnd(width)} | `) : '' });
  });
  return out;
}

/** docker compose's --ansi and --no-color: colours on a terminal unless refused. */
export function useColor(o: { ansi?: string | undefined; noColor?: boolean | undefined; isTTY: boolean }): boolean {
  if (o.noColor) return false;
  if (o.ansi === 'never') return false;
  if (o.ansi === 'always') return true;
  return o.isTTY;
}
