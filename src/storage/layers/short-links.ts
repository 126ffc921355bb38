// l/<short> → ../layers/<id>/diff: short names for layer directories, so
// the overlay lowerdir list of a deep image stays small (the legacy mount(2)
// option string is limited to one page), as containers/storage does. The
// name is derived from the layer id, so it never needs to be looked up.

import fs from 'node:fs/promises';
import path from 'node:path';
import { StateCorruptError } from '../../errors.js';
import { errnoCode } from '../atomic-file.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const SHORT_LINK_LENGTH = 26;

/** 26 base32 characters (128 bits) of the layer id. Pure. */
export function shortLinkName(layerId: string): string {
  const bytes = Buffer.from(layerId.slice(0, 32), 'hex');
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out.slice(0, SHORT_LINK_LENGTH);
}

export function shortLinkPath(dataRoot: string, layerId: string): string {
  return path.join(dataRoot, 'l', shortLinkName(layerId));
}

function linkTarget(layerId: string): string {
  return path.join('..', 'layers', layerId, 'diff');
}

/** Create l/<short> for a layer (idempotent); returns the short name. */
export async function ensureShortLink(dataRoot: string, layerId: string): Promise<string> {
  const name = shortLinkName(layerId);
  const link = path.join(dataRoot, 'l', name);
  await fs.mkdir(path.dirname(link), { recursive: true, mode: 0o700 });
  try {
    await fs.symlink(linkTarget(layerId), link);
  } catch (err) {
    if (errnoCode(err) !== 'EEXIST') throw err;
    const current = await fs.readlink(link).catch(() => undefined);
    if (current !== linkTarget(layerId)) {
      throw new StateCorruptError(`short layer link ${link} points to ${current ?? 'nothing readable'}, not layer ${layerId}`);
    }
  }
  return name;
}
