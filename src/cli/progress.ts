// Progress of image copies off a TTY: the plain lines podman 4.3 prints
// (ui/progress/select.ts picks this, the Ink view on a TTY, or none for -q).

import type { CopyEvent, CopyProgress } from '../image/progress.js';

/** podman's line for an event, or undefined for events it prints nothing for. */
export function plainLine(e: CopyEvent): string | undefined {
  switch (e.type) {
    case 'note':
      return e.line;
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
