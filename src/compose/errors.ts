// Compose's typed errors: a bad file names the file, the key's path and the
// reason (`compose.yaml: services.web.ports[0]: invalid port "80:80:80"`);
// every one exits 125 before anything is created.

import { TscRunError } from '../errors.js';

/** The compose file itself is wrong: where and why. */
export class ComposeFileError extends TscRunError {
  constructor(readonly file: string, readonly keyPath: string, readonly reason: string) {
    super(keyPath ? `${file}: ${keyPath}: ${reason}` : `${file}: ${reason}`);
  }
}

/** The project as a whole is wrong (no file found, a dependency cycle, an unknown service...). */
export class ComposeError extends TscRunError {}

/** `services.web.ports[0]` from path parts. */
export function keyPath(parts: ReadonlyArray<string | number>): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? p : `.${p}`;
  }
  return out;
}
