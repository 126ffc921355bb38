// `compose run SERVICE [CMD]`: a one-off container of the service (name
// PROJECT-SERVICE-run-ID, label oneoff=True), its dependencies started
// first unless --no-deps; ports only with --service-ports or -p.

import { randomBytes } from 'node:crypto';
import { ComposeError } from '../errors.js';
import { createArgParts } from '../create-args.js';
import { serviceImage } from '../config-view.js';
import { serviceHash } from '../labels.js';
import type { Service } from '../model.js';
import { ensureNetworks } from './networks.js';
import { ensureImages, ensureVolumes, grantFiles, materializeSecrets, removeOrphans, selected, up, type ComposeContext } from './up.js';

export interface RunOneOffOptions {
  service: string;
  command: string[];
  rm: boolean;
  detach: boolean;
  env: string[];
  entrypoint?: string | undefined;
  noDeps: boolean;
  publish: string[];
  servicePorts: boolean;
  volumes: string[];
  name?: string | undefined;
  user?: string | undefined;
  workdir?: string | undefined;
  tty: boolean;
  interactive: boolean;
  /** --build: build the image first; --pull always|missing|never. */
  build?: boolean | undefined;
  pull?: string | undefined;
  quietPull?: boolean | undefined;
  capAdd?: string[] | undefined;
  capDrop?: string[] | undefined;
  /** --env-from-file: variables of these files, under -e. */
  envFiles?: string[] | undefined;
  /** -l KEY=VAL: labels added or overridden. */
  labels?: string[] | undefined;
  /** --use-aliases: the service's name and aliases on its networks, as its own containers have. */
  useAliases?: boolean | undefined;
  removeOrphans?: boolean | undefined;
}

export async function runOneOff(ctx: ComposeContext, o: RunOneOffOptions): Promise<number> {
  const p = selected(ctx.project, [o.service], true);
  const base = p.services[o.service];
  if (!base) throw new ComposeError(`no such service: ${o.service}`);
  const deps = Object.keys(base.depends_on ?? {}).filter((d) => d in p.services);
  if (o.removeOrphans) await removeOrphans(ctx);
  if (!o.noDeps && deps.length) await up({ ...ctx, project: p }, { services: deps, quietPull: o.quietPull });
  const svc: Service = { ...base };
  delete svc.restart;
  delete svc.container_name;
  if (o.command.length) svc.command = o.command;
  if (o.entrypoint !== undefined) svc.entrypoint = o.entrypoint === '' ? [] : [o.entrypoint];
  if (o.user !== undefined) svc.user = o.user;
  if (o.workdir !== undefined) svc.working_dir = o.workdir;
  svc.tty = o.tty;
  svc.stdin_open = o.interactive;
  if (o.capAdd?.length) svc.cap_add = [...(svc.cap_add ?? []), ...o.capAdd];
  if (o.capDrop?.length) svc.cap_drop = [...(svc.cap_drop ?? []), ...o.capDrop];
  if (o.labels?.length) {
    const labels = { ...(svc.labels ?? {}) };
    for (const l of o.labels) {
      const eq = l.indexOf('=');
      if (eq <= 0) throw new ComposeError(`invalid label ${JSON.stringify(l)}: KEY=VALUE`);
      labels[l.slice(0, eq)] = l.slice(eq + 1);
    }
    svc.labels = labels;
  }
  const project = { ...p, services: { ...p.services, [o.service]: svc } };
  const sub = { ...ctx, project: { ...project, services: { [o.service]: svc } } };
  await ensureImages(sub, { build: o.build, pull: o.pull, quietPull: o.quietPull });
  await ensureNetworks(sub);
  await ensureVolumes(sub);
  const suffix = randomBytes(6).toString('hex').slice(0, 12);
  const { flags, image, command } = createArgParts({
    project,
    service: o.service,
    number: 1,
    hash: serviceHash(svc),
    image: serviceImage(project, o.service),
    secretFiles: await grantFiles(sub, 'secrets', materializeSecrets(sub, 'secrets')),
    configFiles: await grantFiles(sub, 'configs', materializeSecrets(sub, 'configs')),
    oneoff: { suffix, useAliases: o.useAliases === true },
  });
  const rest = [image, ...command];
  if (o.name !== undefined) flags.splice(flags.indexOf('--name') + 1, 1, o.name);
  for (const f of o.envFiles ?? []) flags.push('--env-file', f);
  for (const e of o.env) flags.push('--env', e);
  for (const v of o.volumes) flags.push('--volume', v);
  for (const pub of o.publish) flags.push('--publish', pub);
  if (o.servicePorts) {
    for (const port of svc.ports ?? []) {
      const host = port.published !== undefined ? `${port.host_ip ? `${port.host_ip}:` : ''}${port.published}:` : '';
      flags.push('--publish', `${host}${port.target}/${port.protocol}`);
    }
  }
  if (o.rm) flags.push('--rm');
  if (o.detach) {
    const id = (await ctx.engine.must(['run', '--detach', ...flags, ...rest])).trim();
    process.stdout.write(`${id}\n`);
    return 0;
  }
  // The terminal is the container's from here: the live view (dependencies started) ends first.
  await ctx.endProgress?.();
  return ctx.engine.inherit(['run', ...flags, ...rest]);
}
