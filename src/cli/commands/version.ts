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

/**
 * podman 4.3's local `version --format`: the template runs on {Client, Server: nil}
 * ({{.Server}} is `<nil>`); when it fails, podman retries it on Client alone with
 * `.Server.` read as `.`, so `{{.Server.Version}}`, `{{.Version}}` and `{{.OsArch}}`
 * print the engine's own values.
 */
export async function versionTemplate(v: ReturnType<typeof versionReport>, format: string): Promise<string> {
  const { formatObject } = await import('../../format/output.js');
  const { GoNilPointer } = await import('../../format/template.js');
  try {
    // Server is a nil pointer that `{{json .}}` leaves out (omitempty), as podman's.
    const server = Object.assign(new GoNilPointer(), { toJSON: () => undefined });
    return formatObject({ ...v, Server: server }, format);
  } catch {
    return formatObject(v.Client, format.replaceAll('.Server.', '.'));
  }
}

export const versionCommand: CommandModule<GlobalArgs, VersionArgs> = {
  command: 'version',
  describe: 'Display the tsc-run version information',
  builder: (y) => y.option('format', { alias: 'f', type: 'string', describe: 'Change the output format to JSON or a Go template' }),
  handler: async (argv) => {
    const v = versionReport();
    if (argv.format === '') {
      process.stdout.write('\n'); // podman: an empty template prints an empty line
      return;
    }
    if (argv.format) {
      // The template engine only for --format: plain `version` is on the start-up budget (src/cli/entry.ts).
      const { formatObject } = await import('../../format/output.js');
      process.stdout.write(argv.format === 'json' ? formatObject(v, 'json') : await versionTemplate(v, argv.format));
      return;
    }
    process.stdout.write(versionText());
  },
};
