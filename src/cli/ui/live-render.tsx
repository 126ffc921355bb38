// What the Ink live views (build, pull progress) share: how they are
// rendered on a terminal (no console patching, Ctrl-C left to the command,
// at most ten frames a second), the terminal's size with its fallbacks, and
// the close that lets the last frame be drawn before Ink lets go.

import { render } from 'ink';
import type { ReactElement } from 'react';

/** How often a live view redraws at the most. */
export const FRAME_MS = 100;

/** The terminal's size; 80x24 when it does not say (a pipe that claims to be a TTY). */
export function terminalSize(out: NodeJS.WriteStream): { columns: number; rows: number } {
  return { columns: out.columns || 80, rows: out.rows || 24 };
}

export interface LiveRender {
  /** `finish` (the store's last snapshot), then Ink's last frame; once, however often called. */
  close(): Promise<void>;
}

/** Draw `node` on `out` until close(); `finish` publishes the store's final state just before. */
export function renderLive(node: ReactElement, out: NodeJS.WriteStream, finish: () => void): LiveRender {
  const instance = render(node, { stdout: out, stderr: out, patchConsole: false, exitOnCtrlC: false, maxFps: 1000 / FRAME_MS });
  let closed: Promise<void> | undefined;
  return {
    close() {
      closed ??= (async () => {
        finish();
        // Let React commit the last snapshot before Ink writes its final frame.
        await new Promise((r) => setImmediate(r));
        instance.unmount();
        await instance.waitUntilExit();
      })();
      return closed;
    },
  };
}
