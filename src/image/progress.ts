// What image transfers (pull, push, load, save) tell the user while they
// run, independent of how it is shown: the CLI renders it as an Ink view
// on a TTY, as plain podman-style lines otherwise, or not at all (-q); see
// src/cli/ui/progress/. Core code only ever talks to this interface.

/** Where one blob is in its life. */
export type TransferState =
  | 'waiting'
  | 'downloading'
  | 'uploading'
  | 'verifying'
  | 'unpacking'
  | 'writing'
  | 'done'
  | 'skipped'
  | 'failed';

export interface TransferItem {
  /** New state; `detail` replaces the default wording (e.g. "skipped: already exists"). */
  state(state: TransferState, detail?: string): void;
  /** `n` more bytes moved. */
  advance(n: number): void;
}

export interface ProgressReporter {
  /** A line that stays (podman's "Trying to pull ...", "Writing manifest to image destination"). */
  note(line: string): void;
  /** A blob or config to show, by digest; `total` in bytes when known. */
  item(kind: 'blob' | 'config', digest: string, total?: number): TransferItem;
  /** Stop rendering (the final frame stays on screen). Safe to call twice. */
  close(): Promise<void>;
}

const noopItem: TransferItem = { state() {}, advance() {} };

/** --quiet: nothing at all. */
export const silentProgress: ProgressReporter = {
  note() {},
  item: () => noopItem,
  close: async () => {},
};
