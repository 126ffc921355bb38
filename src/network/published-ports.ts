// A container's published ports at create: the -p requests and (-P) the
// image's EXPOSE entries, with free host ports where none was given, and
// checked against what its network program can forward (so a create fails
// now rather than every start later).

import type { PortMapping } from '../storage/containers.js';
import { randomFreePort } from './free-port.js';
import { pastaArgs } from './pasta-args.js';
import { resolvePortMappings } from './port-mappings.js';
import { parseExposedPorts, type PortRequest } from './port-spec.js';
import { slirpPlan } from './slirp-args.js';

export async function publishedPorts(
  requests: readonly PortRequest[],
  exposed: Readonly<Record<string, unknown>> | undefined,
  network: { mode: string; options: readonly string[] },
): Promise<PortMapping[]> {
  const ports = await resolvePortMappings(requests, exposed === undefined ? undefined : parseExposedPorts(exposed), randomFreePort);
  if (network.mode === 'pasta') pastaArgs({ ports, options: network.options });
  if (network.mode === 'slirp4netns') slirpPlan(network.options, ports);
  return ports;
}
