import { describe, expect, it } from 'vitest';
import { distributionOf, parseOsRelease } from '../../../src/host/os-release.js';

const DEBIAN = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
`;

describe('os-release', () => {
  it('parses quoted and bare values, skipping comments and junk', () => {
    const r = parseOsRelease(`# comment\n${DEBIAN}\nnot a pair\nX='single $quoted'\nY="a \\"b\\" \\$c"\n`);
    expect(r.ID).toBe('debian');
    expect(r.VERSION_ID).toBe('12');
    expect(r.PRETTY_NAME).toBe('Debian GNU/Linux 12 (bookworm)');
    expect(r.X).toBe('single $quoted');
    expect(r.Y).toBe('a "b" $c');
  });
  it('maps to podman distribution fields', () => {
    expect(distributionOf(parseOsRelease(DEBIAN))).toEqual({ distribution: 'debian', version: '12', codename: 'bookworm' });
    expect(distributionOf(parseOsRelease('ID=fedora\nVERSION_ID=40\nVARIANT_ID=workstation\n'))).toEqual({
      distribution: 'fedora',
      version: '40',
      variant: 'workstation',
    });
    expect(distributionOf({})).toEqual({ distribution: 'unknown', version: 'unknown' });
  });
});
