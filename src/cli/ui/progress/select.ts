// Which progress a copy command shows: nothing with -q; the Ink view when
// stderr is a terminal (and not a CI log or TERM=dumb); otherwise podman's
// plain lines (src/cli/progress.ts), which never redraw. Ink and React are
// imported only in the first case.

import type { CopyProgress } from '../../../image/progress.js';
import { noProgress } from '../../../image/progress.js';

export function wantsLiveView(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  if (!stream.isTTY) return false;
  if (env.TERM === 'dumb') return false;
  // CI systems set CI (and a few their own name); a log file must get plain lines.
  return !(env.CI && env.CI !== 'false') && !env.CONTINUOUS_INTEGRATION && !env.BUILD_NUMBER;
}

export async function progressFor(o: { quiet: boolean }, env: Record<string, string | undefined> = process.env): Promise<CopyProgress> {
  if (o.quiet) return noProgress;
  if (wantsLiveView(process.stderr, env)) {
    const { inkProgress } = await import('./view.js');
    return inkProgress(process.stderr);
  }
  const { plainProgress } = await import('../../progress.js');
  return plainProgress((text) => process.stderr.write(text));
}
