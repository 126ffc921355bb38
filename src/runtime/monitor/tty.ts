// Our own terminal while attached to a container with a tty: raw mode (so
// ctrl-c and friends go to the container as bytes) restored on the way
// out, and its size, now and on every SIGWINCH.

import { spawnSync } from 'node:child_process';

export interface TerminalSize {
  rows: number;
  cols: number;
}

export function terminalSize(): TerminalSize | undefined {
  const t = process.stdout.isTTY ? process.stdout : process.stderr.isTTY ? process.stderr : undefined;
  return t && t.rows && t.columns ? { rows: t.rows, cols: t.columns } : undefined;
}

/** Raw mode on stdin when it is a terminal; returns the function that restores it. */
export function enterRawMode(): () => void {
  const stdin = process.stdin;
  if (!stdin.isTTY) return () => {};
  stdin.setRawMode(true);
  // libuv's raw mode keeps ONLCR: the container's pty already turned \n into
  // \r\n, so ours would print \r\r\n. (Restored with the rest by setRawMode(false).)
  spawnSync('stty', ['-onlcr'], { stdio: ['inherit', 'ignore', 'ignore'] });
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    stdin.setRawMode(false);
  };
  process.once('exit', restore);
  return restore;
}

/** Call fn with the new size on every SIGWINCH; returns the unsubscribe. */
export function onResize(fn: (s: TerminalSize) => void): () => void {
  const handler = () => {
    const s = terminalSize();
    if (s) fn(s);
  };
  process.on('SIGWINCH', handler);
  return () => process.off('SIGWINCH', handler);
}
