// The volume errors podman users see, with its wording and exit codes.

import { TscRunError } from '../errors.js';

/** `volume rm` exits 1 for it, other commands 125. */
export class NoSuchVolumeError extends TscRunError {
  constructor(readonly volumeName: string, exitCode = 125) {
    super(`no volume with name ${JSON.stringify(volumeName)} found: no such volume`, exitCode);
  }
}

export class VolumeExistsError extends TscRunError {
  constructor(name: string) {
    super(`volume with name ${name} already exists: volume already exists`);
  }
}

/** `volume rm` of a volume a container uses, without -f: exit 2. */
export class VolumeInUseError extends TscRunError {
  constructor(name: string, containerIds: readonly string[]) {
    super(`volume ${name} is being used by the following container(s): ${containerIds.join(', ')}: volume is being used`, 2);
  }
}
