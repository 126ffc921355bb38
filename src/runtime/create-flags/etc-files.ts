// Files made at create in a container's userdata/ and bound over the
// image's at every start: passwd and group (passwd-entries.ts) and
// localtime (--tz, a copy of the host's zone file, as podman copies it).

import fs from 'node:fs/promises';
import path from 'node:path';
import { TscRunError } from '../../errors.js';
import { writeFileAtomic } from '../../storage/atomic-file.js';

/** Where each generated file goes in the container. */
export const ETC_FILE_TARGETS: Readonly<Record<string, string>> = {
  passwd: '/etc/passwd',
  group: '/etc/group',
  localtime: '/etc/localtime',
};

export async function writeEtcFiles(userdata: string, f: { passwd?: string; group?: string; zoneFile?: string | undefined }): Promise<void> {
  if (f.passwd !== undefined) await writeFileAtomic(path.join(userdata, 'passwd'), f.passwd, { mode: 0o644 });
  if (f.group !== undefined) await writeFileAtomic(path.join(userdata, 'group'), f.group, { mode: 0o644 });
  if (f.zoneFile !== undefined) await writeFileAtomic(path.join(userdata, 'localtime'), await fs.readFile(f.zoneFile), { mode: 0o644 });
}

/** --tz: `local` (the host's /etc/localtime) or a zone under /usr/share/zoneinfo; the real file, or podman's message. */
export async function resolveZoneFile(tz: string): Promise<string> {
  const zone = tz === 'local' ? '/etc/localtime' : path.join('/usr/share/zoneinfo', tz);
  // podman's message names the zone file it looked for.
  const missing = () => new TscRunError(`running container create option: stat ${zone}: no such file or directory`);
  if (tz !== 'local' && (tz.startsWith('/') || tz.split('/').includes('..'))) throw missing();
  try {
    const real = await fs.realpath(zone);
    if (!(await fs.stat(real)).isFile()) throw new Error('not a file');
    return real;
  } catch {
    throw tz === 'local' ? new TscRunError('finding local timezone: /etc/localtime: no such file or directory') : missing();
  }
}
