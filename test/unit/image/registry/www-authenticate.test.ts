import { describe, expect, it } from 'vitest';
import { parseWwwAuthenticate } from '../../../../src/image/registry/www-authenticate.js';

describe('WWW-Authenticate', () => {
  it('reads Docker Hub style bearer challenges', () => {
    expect(parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } },
    ]);
  });

  it('reads basic, unquoted values, escapes, and errors', () => {
    expect(parseWwwAuthenticate('Basic realm="basic-realm"')).toEqual([{ scheme: 'basic', params: { realm: 'basic-realm' } }]);
    expect(parseWwwAuthenticate('Bearer realm=http://t/token, service=reg, error="insufficient_scope", scope="repository:a:pull,push"')[0]!.params).toEqual({
      realm: 'http://t/token',
      service: 'reg',
      error: 'insufficient_scope',
      scope: 'repository:a:pull,push',
    });
    expect(parseWwwAuthenticate('Basic realm="a \\"quoted\\" realm"')[0]!.params.realm).toBe('a "quoted" realm');
  });

  it('splits several challenges in one header and over several headers', () => {
    const both = parseWwwAuthenticate('Basic realm="r1", Bearer realm="https://t/token",service="s"');
    expect(both.map((c) => c.scheme)).toEqual(['basic', 'bearer']);
    expect(both[1]!.params).toEqual({ realm: 'https://t/token', service: 's' });
    expect(parseWwwAuthenticate(['Basic realm="x"', 'Bearer realm="y"']).map((c) => c.params.realm)).toEqual(['x', 'y']);
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
    expect(parseWwwAuthenticate('Negotiate abc==, Basic realm="z"').map((c) => c.scheme)).toEqual(['negotiate', 'basic']);
  });
});
