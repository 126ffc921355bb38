// `tsc-run version`: podman's layout and JSON keys ({{.Client.Version}}).

import os from 'node:os';
import type { CommandModule } from 'yargs';
import { API_VERSION, BUILT_UNIX, GIT_COMMIT, VERSION } from '../../version.js';
import type { GlobalArgs } from '../global.js';

interface VersionArgs extends GlobalArgs {
  format?: string;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's time.ANSIC in local time, as podman prints BuiltTime: `Thu Jan  1 00:00:00 1970`. */
export function ansic(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${d.getFullYear()}`;
}

export function versionReport() {
  const arch = os.arch() === 'x64' ? 'amd64' : os.arch();
  const client = {
    APIVersion: API_VERSION,
    Version: VERSION,
    GoVersion: process.version,
    GitCommit: GIT_COMMIT,
    BuiltTime: ansic(new Date(BUILT_UNIX * 1000)),
    Built: BUILT_UNIX,
    OsArch: `linux/${arch}`,
    Os: 'linux',
  };
  return { Client: client };
}

/** `tsc-run version` without --format: podman's lines. */
export function versionText(): string {
  const c = versionReport().Client;
  return (
    [
      `Client:       tsc-run`,
      `Version:      ${c.Version}`,
      `API Version:  ${c.APIVersion}`,
      `Node Version: ${c.GoVersion}`,
      ...(c.GitCommit ? [`Git Commit:   ${c.GitCommit}`] : []),
      `Built:        ${c.BuiltTime}`,
      `OS/Arch:      ${c.OsArch}`,
    ].join('\n') + '\n'
  );
}

export const versionCommand: CommandModule<GlobalArgs, VersionArgs> = {
  command: 'version',
  describe: 'Display the tsc-run version information',
  builder: (y) => y.option('format', { alias: 'f', type: 'string', describe: 'Change the output format to JSON or a Go template' }),
  handler: async (argv) => {
    const v = versionReport();
    if (argv.format) {
      // The template engine only for --format: plain `version` is on the start-up budget (src/cli/entry.ts).
      const { formatObject } = await import('../../format/output.js');
      // No service: the JSON has only Client, but templates may ask for {{.Server.Version}}
      // and get the same engine, as with local podman.
      process.stdout.write(argv.format === 'json' ? formatObject(v, 'json') : formatObject({ ...v, Server: v.Client }, argv.format));
      return;
    }
    process.stdout.write(versionText());
  },
};
