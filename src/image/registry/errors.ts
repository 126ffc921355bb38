// Typed failures of registry operations. Each message is meant to end up as
// the tail of one `Error:` line that also names the image (see pull.ts and
// push.ts, which add that context); all exit 125 like podman's.

import { TscRunError } from '../../errors.js';

/** Anything that went wrong talking to a registry. */
export class RegistryError extends TscRunError {}

/**
 * The registry answered with an error status. `code` is the distribution
 * error code (MANIFEST_UNKNOWN, UNAUTHORIZED, ...) when its body had one.
 */
export class RegistryHttpError extends RegistryError {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** The registry could not be reached at all (refused, DNS, reset, timeout). */
export class RegistryUnreachableError extends RegistryError {}

/** The TLS handshake failed (unknown authority, wrong host name, expired, plain HTTP server). */
export class RegistryTlsError extends RegistryError {}

/** Credentials were refused (401 after authenticating, or by the token server). */
export class UnauthorizedError extends RegistryError {}

/** A response was larger than we accept for its kind (manifest, config, token). */
export class TooLargeError extends RegistryError {}

/** A blob ended before its descriptor's size, even after resuming. */
export class TruncatedBlobError extends RegistryError {}

/** Content the engine cannot use (schema 1, encrypted layers, unknown media types). */
export class UnsupportedContentError extends RegistryError {}
