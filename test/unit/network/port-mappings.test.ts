import { describe, expect, it } from 'vitest';
import { checkProtocol, resolvePortMappings } from '../../../src/network/port-mappings.js';
import { parsePortSpec } from '../../../src/network/port-spec.js';

/** Free ports handed out in order (what the kernel would choose). */
function ports(...list: number[]): () => Promise<number> {
  return async () => list.shift() ?? 0;
}
const req = (...specs: string[]) => specs.map(parsePortSpec);

describe('published ports (podman ParsePortMapping)', () => {
  it('splits protocols, sorts, and joins neighbours into ranges', async () => {
    const out = await resolvePortMappings(req('8081:81', '8080:80', '53:53/udp,tcp', '127.0.0.1:9000:90'), undefined, ports());
    expect(out).toEqual([
      { hostPort: 53, containerPort: 53, protocol: 'tcp', range: 1 },
      { hostPort: 8080, containerPort: 80, protocol: 'tcp', range: 2 },
      { hostPort: 53, containerPort: 53, protocol: 'udp', range: 1 },
      { hostIP: '127.0.0.1', hostPort: 9000, containerPort: 90, protocol: 'tcp', range: 1 },
    ]);
  });

  it('refuses one host port for two container ports, even at the end of a range', async () => {
    await expect(resolvePortMappings(req('8080:80', '8080:90'), undefined, ports())).rejects.toThrow('conflicting port mappings for host port 8080 (protocol tcp)');
    await expect(resolvePortMappings(req('8080-8081:80-81', '8081:90'), undefined, ports())).rejects.toThrow('conflicting port mappings for host port 8081');
    // Same host port, other protocol or address: fine.
    await expect(resolvePortMappings(req('8080:80', '8080:80/udp', '127.0.0.1:8080:90'), undefined, ports())).resolves.toHaveLength(3);
  });

  it('gives empty host ports free ones, skipping ports already taken or too high for a range', async () => {
    const out = await resolvePortMappings(req('40000:80', '81', '90-91'), undefined, ports(40000, 65535, 41000, 42000));
    expect(out).toEqual([
      { hostPort: 40000, containerPort: 80, protocol: 'tcp', range: 1 },
      { hostPort: 41000, containerPort: 81, protocol: 'tcp', range: 1 },
      { hostPort: 42000, containerPort: 90, protocol: 'tcp', range: 2 },
    ]);
    await expect(resolvePortMappings(req('80'), undefined, ports())).rejects.toThrow('failed to find an open port to expose container port 80 on the host');
  });

  it('-P publishes every exposed port and protocol no -p covers', async () => {
    const exposed = new Map([
      [80, ['tcp']],
      [53, ['udp', 'tcp']],
    ]);
    const out = await resolvePortMappings(req('8080:80'), exposed, ports(45000, 45001));
    expect(out).toEqual([
      { hostPort: 8080, containerPort: 80, protocol: 'tcp', range: 1 },
      { hostPort: 45000, containerPort: 53, protocol: 'tcp', range: 1 },
      { hostPort: 45001, containerPort: 53, protocol: 'udp', range: 1 },
    ]);
  });

  it('checks protocols', () => {
    expect(checkProtocol('UDP,tcp,tcp')).toEqual(['tcp', 'udp']);
    expect(checkProtocol('')).toEqual(['tcp']);
    expect(() => checkProtocol('icmp')).toThrow('unrecognized protocol "icmp" in port mapping');
  });
});
