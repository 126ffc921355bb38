// `machine`: podman's virtual machines, which run podman on hosts that are
// not Linux. tsc-run runs on the Linux host directly, so each subcommand is
// listed as podman lists it and refused (exit 125) with that reason.

import { commandGroup } from '../command-group.js';
import { refused } from './refused.js';

const noVm = () => 'tsc-run runs containers on this Linux host directly and manages no virtual machine';

const sub = (name: string, describe: string, usage: string, long: string, args: { max?: number }, aliases?: string[]) =>
  refused({ name, describe, usage: `machine ${name} ${usage}\n\n${long}`, reason: noVm, args, ...(aliases ? { aliases } : {}) });

export const machineSubcommands = [
  sub('info', 'Display machine host info', '[options]', 'Display information pertaining to the machine host.', { max: 0 }),
  sub('init', 'Initialize a virtual machine', '[options] [NAME]', 'initialize a virtual machine', { max: 1 }),
  sub('inspect', 'Inspect an existing machine', '[options] [MACHINE...]', 'Provide details on a managed virtual machine', {}),
  sub('list', 'List machines', '[options]', 'List managed virtual machines.', { max: 0 }, ['ls']),
  sub('rm', 'Remove an existing machine', '[options] [MACHINE]', 'Remove a managed virtual machine', { max: 1 }),
  sub('set', 'Sets a virtual machine setting', '[options] [NAME]', 'Sets an updatable virtual machine setting', { max: 1 }),
  sub('ssh', 'SSH into an existing machine', '[options] [NAME] [COMMAND [ARG ...]]', 'SSH into a managed virtual machine', {}),
  sub('start', 'Start an existing machine', '[MACHINE]', 'Start a managed virtual machine', { max: 1 }),
  sub('stop', 'Stop an existing machine', '[MACHINE]', 'Stop a managed virtual machine', { max: 1 }),
];

export const machineCommand = commandGroup({
  name: 'machine',
  describe: 'Manage a virtual machine',
  long: 'Manage a virtual machine. Virtual machines are used to run Podman.',
  subcommands: machineSubcommands,
});
