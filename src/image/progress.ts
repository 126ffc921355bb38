// What image copies (pull, push, load, save) tell the user while they run,
// as events, independent of how they are shown: src/cli/progress.ts prints
// podman's plain lines off a TTY and hands them to the Ink view
// (src/cli/ui/progress/) on one; `-q` shows none. Core code only emits.

/** Where one blob is in its life (the Ink view shows it per layer). */
export type TransferState = 'waiting' | 'downloading' | 'uploading' | 'verifying' | 'unpacking' | 'writing' | 'done' | 'skipped' | 'failed';

export type CopyEvent =
  /** A line that stays, printed as is ("Trying to pull ...", "Resolving ..."). */
  | { type: 'note'; line: string }
  /** "Getting image source signatures". */
  | { type: 'start' }
  /** An input archive read so far (load). */
  | { type: 'read'; bytes: number; total: number | undefined }
  /** A blob starts being copied. */
  | { type: 'blob'; digest: string; size: number | undefined }
  /** A blob moved to another state (downloading, unpacking, ...). */
  | { type: 'blob-state'; digest: string; state: TransferState }
  /** `bytes` more of a blob moved. */
  | { type: 'blob-bytes'; digest: string; bytes: number }
  /** A blob is finished: copied, or skipped because the destination had it. */
  | { type: 'blob-done'; digest: string; skipped: boolean }
  | { type: 'config'; digest: string }
  /** "Writing manifest to image destination". */
  | { type: 'manifest' }
  /** "Storing signatures". */
  | { type: 'stored' };

export interface CopyProgress {
  emit(e: CopyEvent): void;
  /** Stop rendering (a live view leaves its last frame); optional, safe to call twice. */
  close?(): Promise<void>;
}

export const noProgress: CopyProgress = { emit() {} };
