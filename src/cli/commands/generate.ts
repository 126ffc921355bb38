// `tsc-run generate kube`: podman's older spelling of `kube generate` (kube.ts).

import { commandGroup } from '../command-group.js';
import { generateCommand } from './kube.js';
import { generateSystemdCommand } from './generate-systemd.js';
import { refusedGenerateSubcommands } from './refused.js';

export const generateGroupCommand = commandGroup({
  name: 'generate',
  describe: 'Generate structured data based on containers, pods or volumes',
  long: 'Generate structured data (e.g., Kubernetes YAML or systemd units) based on containers, pods or volumes.',
  subcommands: [generateCommand('kube', 'generate kube'), generateSystemdCommand, ...refusedGenerateSubcommands],
});
