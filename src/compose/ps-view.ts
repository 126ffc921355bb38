// `compose ps` as docker compose v2 prints it: a table (NAME IMAGE COMMAND
// SERVICE CREATED STATUS PORTS) or JSON objects, one per line. Pure.

import { alignColumns } from '../format/output.js';
import { goTimeString, humanDuration, timeAgo } from '../format/human.js';
import { GoTemplate } from '../format/template.js';
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

/** What `ps` adds to a container from its inspect (only when the output shows it): docker compose's Mounts, LocalVolumes, Networks. */
export interface PsExtra {
  /** A volume's name, else the bind's source; local: the local volume driver. */
  mounts: Array<{ name: string; local: boolean }>;
  networks: string[];
}

/**
 * docker's words: a running container is `Up 2 minutes` (podman says
 * `Up 2 minutes ago`), a paused one `Up 2 minutes (Paused)` (podman:
 * `Paused`), an exited one keeps `ago`.
 */
export function statusText(c: Pick<ProjectContainer, 'status' | 'state' | 'startedAt'>, now = new Date()): string {
  if (c.state === 'paused' && c.startedAt) return `Up ${humanDuration(now.getTime() - c.startedAt * 1000)} (Paused)`;
  return c.status.replace(/^(Up .*?) ago\b/, '$1');
}

/** docker compose's Health field: the `(healthy)` part of a running container's status, else empty. */
function healthOf(c: Pick<ProjectContainer, 'status' | 'state'>): string {
  return c.state === 'running' ? (/\((healthy|unhealthy|starting)\)/.exec(c.status)?.[1] ?? '') : '';
}

/** docker cli's formatter.Ellipsis: at most n characters, the last one `…`. */
function ellipsis(s: string, n: number): string {
  const chars = [...s];
  return chars.length > n ? `${chars.slice(0, n - 1).join('')}…` : s;
}

export interface PsRowOptions {
  /** Not --no-trunc: ids of 12, the command in 20 characters, mounts in 15. */
  trunc: boolean;
  now?: Date;
}

/** One container as docker compose v2's formatter gives it (cmd/formatter/container.go): the fields of JSON and templates. */
export function psRow(c: ProjectContainer, project: string, o: PsRowOptions, extra?: PsExtra): Record<string, unknown> {
  const cmd = c.command.join(' ');
  const exited = c.state === 'exited' || c.state === 'dead';
  return {
    Command: JSON.stringify(o.trunc ? ellipsis(cmd, 20) : cmd),
    CreatedAt: goTimeString(new Date(c.created * 1000), 0),
    ExitCode: exited ? c.exitCode : 0,
    Health: healthOf(c),
    ID: o.trunc ? c.id.slice(0, 12) : c.id,
    Image: c.image,
    Labels: Object.entries(c.labels).map(([k, v]) => `${k}=${v}`).join(','),
    LocalVolumes: String(extra?.mounts.filter((m) => m.local).length ?? 0),
    Mounts: (extra?.mounts ?? []).map((m) => (o.trunc ? ellipsis(m.name, 15) : m.name)).join(','),
    Name: c.name,
    Names: c.name,
    Networks: (extra?.networks ?? []).join(','),
    Ports: portsText(c.ports),
    Project: project,
    Publishers: c.ports.map((p) => ({ URL: p.host_ip || '0.0.0.0', TargetPort: p.container_port, PublishedPort: p.host_port, Protocol: p.protocol })),
    RunningFor: timeAgo(new Date(c.created * 1000), o.now),
    Service: c.service,
    // compose ps has no --size: docker's SizeRw is 0.
    Size: '0B',
    State: c.state,
    Status: statusText(c, o.now),
  };
}

/** docker's headers for a `table` template's fields (the rest: the field's name in capitals). */
const HEADERS: Record<string, string> = { ID: 'CONTAINER ID', RunningFor: 'CREATED', CreatedAt: 'CREATED AT', LocalVolumes: 'LOCAL VOLUMES' };

/** The fields a --format template reads that need the containers' inspect. */
export function needsInspect(format: string): boolean {
  return format === 'json' || /\.(Mounts|LocalVolumes|Networks)\b/.test(format);
}

/**
 * `compose ps` output: `table` (docker compose's columns), `json` (one
 * object a line, keys sorted as Go marshals a map), or a Go template
 * (`table ...` with a header row).
 */
export function psOutput(rows: ReadonlyArray<Record<string, unknown>>, format: string): string {
  if (format === 'json') return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
  const fmt = format === 'table' || format === '' ? 'table {{.Name}}\t{{.Image}}\t{{.Command}}\t{{.Service}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}' : format;
  if (!fmt.startsWith('table')) {
    const tpl = new GoTemplate(fmt.endsWith('\n') ? fmt : `${fmt}\n`);
    return rows.map((r) => tpl.render(r)).join('');
  }
  const src = fmt.slice(5).trim().replace(/\\t/g, '\t');
  const tpl = new GoTemplate(src);
  const header = src.replace(/\{\{-?\s*\.(\w+)\s*-?\}\}/g, (_m, f: string) => HEADERS[f] ?? f.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase());
  const lines = [header, ...rows.map((r) => tpl.render(r).replace(/\n$/, ''))];
  return `${alignColumns(lines.join('\n'), 0, 3)}\n`;
}
