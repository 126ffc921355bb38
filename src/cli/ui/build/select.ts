// Whether `build` shows the live view: stdout (where podman's step lines go)
// and stderr both on a terminal, not -q, not a CI log or TERM=dumb, and no
// --log-level debug|trace (their lines must stay in order with the steps'),
// and a terminal that knows its size.
// Anything redirected gets podman's plain lines byte for byte: someone keeps
// that output. Pure: the streams and environment are given.

import { wantsLiveView } from '../progress/select.js';

export function wantsBuildView(
  o: { quiet: boolean; logLevel?: string | undefined },
  stdout: { isTTY?: boolean; rows?: number; columns?: number },
  stderr: { isTTY?: boolean },
  env: Record<string, string | undefined>,
): boolean {
  if (o.quiet || o.logLevel === 'debug' || o.logLevel === 'trace') return false;
  // A terminal that reports no size (rows 0) would make Ink clear the whole screen, scrollback too, at every frame.
  if (!stdout.rows || !stdout.columns) return false;
  return stderr.isTTY === true && wantsLiveView(stdout, env);
}
