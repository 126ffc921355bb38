// Errors of reading and writing image archives (save/load).

import { TscRunError } from '../../errors.js';

/** The archive is not one we can read: wrong format, missing or malformed parts, truncated. */
export class ArchiveFormatError extends TscRunError {}

/** podman's prefix when the input matches no archive format. */
// podman's first line ends in a colon (its list of formats follows): scripts match on 'formats:'.
export const NO_FORMAT_MATCHES = 'payload does not match any of the supported image formats: oci-archive and docker-archive';
