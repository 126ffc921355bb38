// A Containerfile that cannot be built: the file, the line and the reason,
// reported before any step runs.

import { UsageError } from '../../errors.js';

export class ContainerfileError extends UsageError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
  }
}
