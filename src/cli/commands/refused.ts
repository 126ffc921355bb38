// Podman commands that tsc-run does not carry, each refused with its reason
// (exit 125) rather than "unrecognized command": a script written for podman
// learns why, whatever flags it passes. Where podman itself refuses (rootless
// checkpoint/restore), podman's own message.

import type { CommandModule } from 'yargs';
import { TscRunError, UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';

interface RefusedSpec {
  /** The command word, as in `command`. */
  name: string;
  aliases?: string[];
  describe: string;
  /** podman's use line after `tsc-run` and its description. */
  usage: string;
  reason: () => string;
  /** podman's own checks of the arguments, whose errors come before the refusal (a script sees podman's words for bad input). */
  check?: (args: readonly string[]) => void;
  /** How many arguments podman's command takes (cobra's Args), checked first with cobra's words; absent: not checked. */
  args?: { min?: number; max?: number };
}

/** cobra's (and podman's validate.NoArgs) message for a wrong argument count; undefined when the count fits. */
export function argCountError(path: string, n: number, { min = 0, max = Infinity }: { min?: number; max?: number }): string | undefined {
  if (n >= min && n <= max) return undefined;
  if (max === 0) return `\`${path}\` takes no arguments`;
  if (max === Infinity) return `requires at least ${min} arg(s), only received ${n}`;
  if (min === 0) return `accepts at most ${max} arg(s), received ${n}`;
  if (min === max) return `accepts ${min} arg(s), received ${n}`;
  return `accepts between ${min} and ${max} arg(s), received ${n}`;
}

export function refused(spec: RefusedSpec): CommandModule<GlobalArgs, GlobalArgs> & { refusedReason: () => string } {
  return {
    // Read by the help's command reader (the parity table counts such a command's flags as refused).
    refusedReason: spec.reason,
    command: `${spec.name} [args..]`,
    ...(spec.aliases ? { aliases: spec.aliases } : {}),
    describe: spec.describe,
    // Any flag is taken, so the reason is what the user reads, not "unknown flag".
    builder: (y) => y.usage(`Usage: tsc-run ${spec.usage}`).strict(false),
    handler: (argv) => {
      const args = ((argv as { args?: unknown[] }).args ?? []).map(String);
      // The command's words: the usage line up to its first argument or [options].
      const path = ['tsc-run', ...spec.usage.split('\n')[0]!.split(' ')].filter((w, i, all) => !all.slice(0, i + 1).some((x) => /^[[{A-Z]/.test(x))).join(' ');
      const count = spec.args && argCountError(path, args.length, spec.args);
      if (count) throw new UsageError(count);
      spec.check?.(args);
      throw new TscRunError(spec.reason());
    },
  };
}

const rootless = () => process.getuid?.() !== 0;

export const checkpointCommand = refused({
  name: 'checkpoint',
  describe: 'Checkpoint one or more containers',
  usage: 'container checkpoint [options] CONTAINER [CONTAINER...]\n\nCheckpoints one or more running containers. The container name or ID can be used.',
  reason: () => (rootless() ? 'checkpointing a container requires root' : 'checkpointing needs CRIU, which tsc-run does not drive: stop the container, or commit it to an image'),
});

export const restoreCommand = refused({
  name: 'restore',
  describe: 'Restores one or more containers from a checkpoint',
  usage: 'container restore [options] CONTAINER|IMAGE [CONTAINER|IMAGE...]\n\nRestores a container from a checkpoint. The container name or ID can be used.',
  reason: () => (rootless() ? 'restoring a container requires root' : 'restoring needs CRIU, which tsc-run does not drive'),
});

export const systemServiceCommand = refused({
  name: 'service',
  describe: 'Run API service',
  usage: 'system service [options] [URI]\n\nRun an API service',
  reason: () => 'tsc-run has no API service: it is daemonless by design; drive it through its command line',
  check: checkServiceUri,
});

/**
 * podman's checks of `system service [URI]` (cmd/podman/system/service*.go):
 * at most one URI, whose scheme (as Go's url.Parse reads it) is unix or tcp.
 */
export function checkServiceUri(args: readonly string[]): void {
  if (args.length > 1) throw new UsageError(`accepts at most 1 arg(s), received ${args.length}`);
  const uri = args[0];
  if (uri === undefined || uri === '') return;
  const scheme = goUrlScheme(uri);
  if (scheme === undefined) throw new TscRunError(`parse "${uri}": missing protocol scheme`);
  if (scheme !== 'unix' && scheme !== 'tcp') {
    throw new TscRunError(`API Service endpoint scheme "${scheme}" is not supported. Try tcp://${uri} or unix:/${uri}`);
  }
}

/** The scheme Go's url.Parse finds ('' for none); undefined where it fails (a ':' first). */
function goUrlScheme(uri: string): string | undefined {
  for (let i = 0; i < uri.length; i++) {
    const c = uri[i]!;
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+.-]/.test(c)) {
      if (i === 0) return '';
      continue;
    }
    if (c === ':') return i === 0 ? undefined : uri.slice(0, i).toLowerCase();
    return '';
  }
  return '';
}

export const systemConnectionCommand = refused({
  name: 'connection',
  describe: 'Manage remote API service destinations',
  usage: 'system connection\n\nManage remote API service destinations',
  reason: () => 'tsc-run has no remote mode: it manages containers of this host only, so there are no connections to manage',
});

export const imageScpCommand = refused({
  name: 'scp',
  describe: 'securely copy images',
  usage: 'image scp [options] IMAGE [HOST::]\n\nSecurely copy an image from one host to another.',
  reason: () => 'image scp talks to podman on other hosts over ssh, which tsc-run does not do: use `tsc-run save IMAGE | ssh HOST podman load`',
  args: { min: 1, max: 2 },
});

export const imageSignCommand = refused({
  name: 'sign',
  describe: 'Sign an image',
  usage: 'image sign [options] IMAGE [IMAGE...]\n\nCreate a signature file that can be used later to verify the image.',
  reason: () => 'tsc-run does not create image signatures (no GPG or sigstore signing): sign with skopeo, e.g. `skopeo copy --sign-by KEY`',
  args: { min: 1 },
});

export const autoUpdateCommand = refused({
  name: 'auto-update',
  describe: 'Auto update containers according to their auto-update policy',
  usage: 'auto-update [options]\n\nAuto update containers according to their auto-update policy.',
  reason: () => 'auto-update restarts the systemd units of podman containers; tsc-run containers run under no systemd unit it manages, so there is nothing to restart: pull the image and recreate the container',
  args: { max: 0 },
});

export const initCommand = refused({
  name: 'init',
  describe: 'Initialize one or more containers',
  usage: 'init [options] CONTAINER [CONTAINER...]\n\nInitialize one or more containers, creating the OCI spec and mounts for inspection.',
  reason: () => 'tsc-run sets a container up when it starts (no daemon keeps an initialized container waiting): use start',
});

export const cloneCommand = refused({
  name: 'clone',
  describe: 'Clone an existing container',
  usage: 'container clone [options] CONTAINER NAME IMAGE\n\nCreates a copy of an existing container.',
  reason: () => 'container clone is not supported by tsc-run: create the container again from `inspect --format "{{.Config.CreateCommand}}"` (or generate systemd --new)',
  args: { min: 1, max: 3 },
});

export const generateSpecCommand = refused({
  name: 'spec',
  describe: 'Generate Specgen JSON based on containers or pods',
  usage: 'generate spec [options] {CONTAINER|POD}\n\nGenerate Specgen JSON based on containers or pods',
  reason: () => "tsc-run has no specgen API to feed such a spec to: use `inspect` for a container's configuration, or kube generate",
  args: { min: 1, max: 1 },
});

export const refusedContainerSubcommands = [checkpointCommand, restoreCommand, cloneCommand, initCommand];
export const refusedImageSubcommands = [imageScpCommand, imageSignCommand];
export const refusedSystemSubcommands = [systemServiceCommand, systemConnectionCommand];
export const refusedTopLevel = [autoUpdateCommand, initCommand];
export const refusedGenerateSubcommands = [generateSpecCommand];
