// pasta's options for a container, as podman builds them: --config-net,
// one -t/-u per published port (`[IP/]HOST-HOSTEND:CTR-CTREND`), the
// user's `pasta:` options, then `none` for every forwarding direction the
// options left unset (no automatic forwards) and --no-map-gw unless
// `--map-gw` was asked for (it is not a pasta option: the container then
// reaches the host's loopback through the gateway address). The helper adds
// -f, --pid and the target namespace. Pure.

import { TscRunError } from '../errors.js';
import type { PortMapping } from '../storage/containers.js';

export interface PastaArgsInput {
  ports: readonly PortMapping[];
  /** The `pasta:` options, as given. */
  options: readonly string[];
  /** Forward DNS sent to this address to the host's resolver (container-files.ts: PASTA_DNS_FORWARD). */
  dnsForward?: string | undefined;
}

/** `8080:80` over `range` ports, on hostIP if given. */
function portSpec(p: PortMapping): string {
  const r = p.range ?? 1;
  const addr = p.hostIP ? `${p.hostIP}/` : '';
  return `${addr}${p.hostPort}-${p.hostPort + r - 1}:${p.containerPort}-${p.containerPort + r - 1}`;
}

export function pastaArgs(i: PastaArgsInput): string[] {
  const args = ['--config-net'];
  for (const p of i.ports) {
    for (const proto of (p.protocol ?? 'tcp').split(',')) {
      if (proto !== 'tcp' && proto !== 'udp') throw new TscRunError(`can't forward protocol: ${proto}`);
      args.push(proto === 'tcp' ? '-t' : '-u', portSpec(p));
    }
  }
  let mapGw = false;
  for (const o of i.options) {
    if (o === '--map-gw') mapGw = true;
    else args.push(o);
  }
  const given = (short: string, long: string) => args.includes(short) || args.includes(long) || args.some((a) => a.startsWith(`${long}=`));
  for (const [short, long] of [
    ['-t', '--tcp-ports'],
    ['-u', '--udp-ports'],
    ['-T', '--tcp-ns'],
    ['-U', '--udp-ns'],
  ] as const) {
    if (!given(short, long)) args.push(short, 'none');
  }
  if (!mapGw && !args.includes('--no-map-gw')) args.push('--no-map-gw');
  if (i.dnsForward !== undefined && !given('--dns-forward', '--dns-forward')) args.push('--dns-forward', i.dnsForward);
  // Only errors in its log (<runtime dir>/network.log), not its banner.
  if (!args.includes('-q') && !args.includes('--quiet') && !args.includes('-d') && !args.includes('--debug')) args.push('-q');
  return args;
}
