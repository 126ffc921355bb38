// `tsc-run play kube`: podman's older spelling of `kube play` (kube.ts).

import { commandGroup } from '../command-group.js';
import { playCommand } from './kube.js';

export const playGroupCommand = commandGroup({
  name: 'play',
  describe: 'Play containers, pods or volumes from a structured file',
  long: 'Play structured data (e.g., Kubernetes YAML) based on containers, pods or volumes.',
  subcommands: [playCommand('kube', 'play kube')],
});
