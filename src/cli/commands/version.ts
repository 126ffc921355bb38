// `tsc-run version`: podman's layout and JSON keys ({{.Client.Version}}).

import os from 'node:os';
import type { CommandModule } from 'yargs';
import { API_VERSION, BUILT_UNIX, GIT_COMMIT, VERSION } from '../../version.js';
import { formatObject } from '../../format/output.js';
import type { GlobalArgs } from '../global.js';

interface VersionArgs extends GlobalArgs {
  format?: string;
}

export function versionReport() {
  const arch = os.arch() === 'x64' ? 'amd64' : os.arch();
  const client = {
    APIVersion: API_VERSION,
    Version: VERSION,
    GoVersion: process.version,
    GitCommit: GIT_COMMIT,
    BuiltTime: new Date(BUILT_UNIX * 1000).toString().replace(/ \(.*\)$/, ''),
    Built: BUILT_UNIX,
    OsArch: `linux/${arch}`,
    Os: 'linux',
  };
  return { Client: client };
}

export const versionCommand: CommandModule<GlobalArgs, VersionArgs> = {
  command: 'version',
  describe: 'Display the tsc-run version information',
  builder: (y) => y.option('format', { alias: 'f', type: 'string', describe: 'Change the output format to JSON or a Go template' }),
  handler: (argv) => {
    const v = versionReport();
    if (argv.format) {
      process.stdout.write(formatObject(v, argv.format));
      return;
    }
    const c = v.Client;
    process.stdout.write(
      [
        `Client:       tsc-run`,
        `Version:      ${c.Version}`,
        `API Version:  ${c.APIVersion}`,
        `Node Version: ${c.GoVersion}`,
        ...(c.GitCommit ? [`Git Commit:   ${c.GitCommit}`] : []),
        `Built:        ${c.BuiltTime}`,
        `OS/Arch:      ${c.OsArch}`,
      ].join('\n') + '\n',
    );
  },
};
