import { describe, expect, it } from 'vitest';
import { parseExposedPorts, parsePortSpec } from '../../../src/network/port-spec.js';

describe('-p values (podman CreatePortBindings)', () => {
  it('reads host:container, ip:host:container, ranges, protocols and IPv6', () => {
    expect(parsePortSpec('8080:80')).toEqual({ hostPort: 8080, containerPort: 80, range: 1, protocol: '' });
    expect(parsePortSpec('127.0.0.1:8080:80/udp')).toEqual({ hostIP: '127.0.0.1', hostPort: 8080, containerPort: 80, range: 1, protocol: 'udp' });
    expect(parsePortSpec('80')).toEqual({ hostPort: 0, containerPort: 80, range: 1, protocol: '' });
    expect(parsePortSpec('127.0.0.1::80')).toEqual({ hostIP: '127.0.0.1', hostPort: 0, containerPort: 80, range: 1, protocol: '' });
    expect(parsePortSpec('9000-9002:90-92/tcp,udp')).toEqual({ hostPort: 9000, containerPort: 90, range: 3, protocol: 'tcp,udp' });
    expect(parsePortSpec('[::1]:8080:80')).toEqual({ hostIP: '::1', hostPort: 8080, containerPort: 80, range: 1, protocol: '' });
    // podman leaves 0.0.0.0 unset: all addresses.
    expect(parsePortSpec('0.0.0.0:8080:80')).toEqual({ hostPort: 8080, containerPort: 80, range: 1, protocol: '' });
  });

  it("refuses malformed values with podman's messages", () => {
    expect(() => parsePortSpec('1:2:3:4')).toThrow('invalid port format - format is [[hostIP:]hostPort:]containerPort');
    expect(() => parsePortSpec('80/tcp/udp')).toThrow('protocol can only be specified once');
    expect(() => parsePortSpec('8080:0')).toThrow('parsing container port: port numbers must be between 1 and 65535 (inclusive), got 0');
    expect(() => parsePortSpec('x:80')).toThrow('parsing host port: invalid port number: strconv.Atoi: parsing "x": invalid syntax');
    expect(() => parsePortSpec('9000-9001:80')).toThrow('host and container port ranges have different lengths: 2 vs 1');
    expect(() => parsePortSpec('90-80:90-80')).toThrow('the end port of a range must be higher than the start port - 80 is not higher than 90');
    expect(() => parsePortSpec('nohost:8080:80')).toThrow('cannot parse "nohost" as an IP address');
    expect(() => parsePortSpec('[::1]:80')).toThrow();
    expect(() => parsePortSpec('8080:')).toThrow('must provide a non-empty container port to publish');
  });
});

describe("the image's EXPOSE", () => {
  it('maps ports to protocols, tcp by default, ranges expanded', () => {
    const m = parseExposedPorts({ '80/tcp': {}, '53/udp': {}, '53/tcp': {}, '8000-8001': {} });
    expect([...m]).toEqual([
      [80, ['tcp']],
      [53, ['udp', 'tcp']],
      [8000, ['tcp']],
      [8001, ['tcp']],
    ]);
    expect(() => parseExposedPorts({ 'abc/tcp': {} })).toThrow('unable to convert image EXPOSE');
  });
});
