// TLS trust for one registry, as containers/image sets it up: the system
// CA store, plus the first existing certs directory for that host
// (`--cert-dir`, else ~/.config/containers/certs.d/HOST for rootless, then
// /etc/containers/certs.d/HOST, /etc/docker/certs.d/HOST): `*.crt` are CAs,
// `NAME.cert` + `NAME.key` a client certificate.

import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { containersConfigDir } from '../../config/paths.js';
import { TscRunError, errorText } from '../../errors.js';
import type { TlsSettings } from './http.js';

type Env = Record<string, string | undefined>;

export function certDirCandidates(host: string, o: { certDir?: string | undefined; rootless: boolean; env?: Env }): string[] {
  if (o.certDir) return [o.certDir];
  return [
    ...(o.rootless ? [path.join(containersConfigDir(o.env), 'certs.d', host)] : []),
    path.join('/etc/containers/certs.d', host),
    path.join('/etc/docker/certs.d', host),
  ];
}

function read(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new TscRunError(`reading certificate ${file}: ${errorText(err)}`, undefined, { cause: err });
  }
}

export function tlsSettingsFor(
  host: string,
  o: { verify: boolean; certDir?: string | undefined; rootless?: boolean; env?: Env },
): TlsSettings {
  const dirs = certDirCandidates(host, { certDir: o.certDir, rootless: o.rootless ?? process.getuid!() !== 0, env: o.env ?? process.env });
  let names: string[] | undefined;
  let dir: string | undefined;
  for (const d of dirs) {
    try {
      names = fs.readdirSync(d).sort();
      dir = d;
      break;
    } catch (err) {
      // An explicit --cert-dir that cannot be read is an error; a missing default one is not.
      if (o.certDir) throw new TscRunError(`reading --cert-dir ${o.certDir}: ${errorText(err)}`, undefined, { cause: err });
    }
  }
  const extra: string[] = [];
  let cert: string | undefined;
  let key: string | undefined;
  if (dir && names) {
    for (const n of names) {
      if (n.endsWith('.crt')) extra.push(read(path.join(dir, n)));
      if (n.endsWith('.cert')) {
        const keyName = n.slice(0, -'.cert'.length) + '.key';
        if (!names.includes(keyName)) throw new TscRunError(`missing key ${keyName} for client certificate ${path.join(dir, n)}`);
        cert = read(path.join(dir, n));
        key = read(path.join(dir, keyName));
      }
    }
  }
  if (!o.verify) return { verify: false, cert, key };
  let system: string[];
  try {
    system = tls.getCACertificates('system');
  } catch {
    system = [];
  }
  // No system store on this machine: Node's bundled Mozilla set instead.
  const base = system.length ? system : tls.getCACertificates('bundled');
  return { verify: true, ca: [...base, ...extra], cert, key };
}
