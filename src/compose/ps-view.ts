// `compose ps` as docker compose v2 prints it: a table (NAME IMAGE COMMAND
// SERVICE CREATED STATUS PORTS) or JSON objects, one per line. Pure.

import { alignColumns } from '../format/output.js';
import { timeAgo } from '../format/human.js';
import type { PortMapping, ProjectContainer } from './engine/state.js';

export function portsText(ports: readonly PortMapping[]): string {
  return ports
    .flatMap((p) => {
      const out: string[] = [];
      for (let i = 0; i < Math.max(1, p.range); i++) {
        const ip = p.host_ip === '' ? '0.0.0.0' : p.host_ip;
        out.push(`${ip}:${p.host_port + i}->${p.container_port + i}/${p.protocol}`);
      }
      return out;
    })
    .join(', ');
}

/** docker's words: a running container is `Up 2 minutes` (podman says `Up 2 minutes ago`), an exited one keeps `ago`. */
export function statusText(status: string): string {
  return status.replace(/^(Up .*?) ago\b/, '$1');
}

/** docker compose's Health field: the `(healthy)` part of the status, else empty. */
function healthOf(status: string): string {
  return /\((healthy|unhealthy|starting)\)/.exec(status)?.[1] ?? '';
}

function commandText(cmd: readonly string[]): string {
  const s = cmd.join(' ');
  return JSON.stringify(s.length > 20 ? `${s.slice(0, 19)}…` : s);
}

export function psTable(cs: readonly ProjectContainer[], now = new Date()): string {
  const rows = ['NAME\tIMAGE\tCOMMAND\tSERVICE\tCREATED\tSTATUS\tPORTS'];
  for (const c of cs) {
    rows.push([c.name, c.image, commandText(c.command), c.service, timeAgo(new Date(c.created * 1000), now), statusText(c.status), portsText(c.ports)].join('\t'));
  }
  return `${alignColumns(rows.join('\n'), 0, 3)}\n`;
}

export function psJsonLines(cs: readonly ProjectContainer[], project: string): string {
  return cs
    .map((c) => {
      const o = {
        Command: commandText(c.command),
        CreatedAt: new Date(c.created * 1000).toISOString(),
        ExitCode: c.exitCode,
        Health: healthOf(c.status),
        ID: c.id,
        Image: c.image,
        Labels: Object.entries(c.labels).map(([k, v]) => `${k}=${v}`).join(','),
        Name: c.name,
        Names: c.name,
        Ports: portsText(c.ports),
        Project: project,
        Publishers: c.ports.map((p) => ({ URL: p.host_ip || '0.0.0.0', TargetPort: p.container_port, PublishedPort: p.host_port, Protocol: p.protocol })),
        RunningFor: timeAgo(new Date(c.created * 1000)),
        Service: c.service,
        State: c.state,
        Status: statusText(c.status),
      };
      return `${JSON.stringify(o)}\n`;
    })
    .join('');
}
