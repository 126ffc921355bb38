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

/**
 * A reporter made on the first event: a command that fails before copying
 * anything (bad name, missing file, stdout a terminal) then prints only its
 * error, never a view's first frame. Events wait in order until it exists.
 */
export function deferredProgress(create: () => Promise<CopyProgress>): CopyProgress {
  let made: Promise<CopyProgress> | undefined;
  let queue: Promise<void> = Promise.resolve();
  return {
    emit(e) {
      made ??= create();
      const p = made;
      queue = queue.then(async () => (await p).emit(e));
    },
    async close() {
      if (!made) return;
      await queue.catch(() => undefined);
      await (await made).close?.();
    },
  };
}
