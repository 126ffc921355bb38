// Progress of image copies on stderr. Off a TTY (and, until the Ink view
// exists, on one too) the plain lines podman 4.3 prints; `-q` prints none.

import type { CopyEvent, CopyProgress } from '../image/progress.js';
import { noProgress } from '../image/progress.js';

/** podman's line for an event, or undefined for events it prints nothing for. */
export function plainLine(e: CopyEvent): string | undefined {
  switch (e.type) {
    case 'start':
      return 'Getting image source signatures';
    case 'blob':
      return `Copying blob ${e.digest}`;
    case 'config':
      return `Copying config ${e.digest}`;
    case 'manifest':
      return 'Writing manifest to image destination';
    case 'stored':
      return 'Storing signatures';
    default:
      return undefined;
  }
}

export function plainProgress(write: (text: string) => void): CopyProgress {
  return {
    emit(e) {
      const line = plainLine(e);
      if (line !== undefined) write(line + '\n');
    },
  };
}

/** The reporter a command uses: none with --quiet, else plain lines on stderr. */
export function copyProgress(opts: { quiet: boolean }): CopyProgress {
  if (opts.quiet) return noProgress;
  return plainProgress((text) => process.stderr.write(text));
}
