// `tsc-run login [options] [REGISTRY]` and `tsc-run logout [options]
// [REGISTRY]`: podman's flags, prompts and messages; credentials checked
// against the registry before they are written to auth.json.

import type { CommandModule } from 'yargs';
import { TscRunError, UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { registryFlags, type RegistryFlagArgs } from './registry-flags.js';

interface LoginArgs extends GlobalArgs, RegistryFlagArgs {
  registry?: string;
  extra?: string[];
  username?: string;
  password?: string;
  'password-stdin'?: boolean;
  'get-login'?: boolean;
  verbose?: boolean;
}

export const loginCommand: CommandModule<GlobalArgs, LoginArgs> = {
  command: 'login [registry] [extra..]',
  describe: 'Log in to a container registry',
  builder: (y) =>
    registryFlags(
      y
        .usage('Usage: tsc-run login [options] [REGISTRY]\n\nLog in to a container registry (the first unqualified-search registry when none is given).')
        .positional('registry', { type: 'string' })
        .positional('extra', { type: 'string', array: true, hidden: true })
        .nargs('registry', 1)
        .option('username', { alias: 'u', type: 'string', requiresArg: true, describe: 'Username for registry' })
        .option('password', { alias: 'p', type: 'string', requiresArg: true, describe: 'Password for registry' })
        .option('password-stdin', { type: 'boolean', describe: 'Take the password from stdin' })
        .option('get-login', { type: 'boolean', describe: 'Return the current login user for the registry' })
        .option('verbose', { alias: 'v', type: 'boolean', describe: 'Write more detailed information to stdout' }),
      { creds: false },
    ).example('tsc-run login --tls-verify=false -u me --password-stdin 127.0.0.1:5000 < pw.txt', ''),
  handler: async (argv) => {
    if (argv.extra?.length) throw new UsageError(`accepts at most 1 arg(s), received ${1 + argv.extra.length}`);
    const { login, loggedInUser, existingCredentials } = await import('../../image/registry/login.js');
    const { remoteOptions } = await import('./registry-options.js');
    const registry = argv.registry !== undefined ? String(argv.registry) : undefined;
    if (argv['get-login']) {
      process.stdout.write(loggedInUser(registry, { authfile: argv.authfile }) + '\n');
      return;
    }
    if (argv['password-stdin'] && argv.password !== undefined) throw new UsageError('--password and --password-stdin are mutually exclusive');
    let username = argv.username !== undefined ? String(argv.username) : undefined;
    let password = argv.password !== undefined ? String(argv.password) : undefined;
    const { promptLine, readAllStdin } = await import('../prompt.js');
    if (argv['password-stdin']) {
      if (username === undefined) throw new UsageError('must provide --username with --password-stdin');
      password = await readAllStdin();
    }
    let reused = false;
    if (username === undefined && password === undefined && registry !== undefined) {
      const existing = existingCredentials(registry, { authfile: argv.authfile });
      if (existing) {
        process.stdout.write(`Authenticating with existing credentials for ${registry}\n`);
        ({ username, password } = existing);
        reused = true;
      }
    }
    if (username === undefined || password === undefined) {
      if (!process.stdin.isTTY) throw new UsageError('cannot prompt for credentials: stdin is not a terminal (use --username with --password or --password-stdin)');
      username ??= await promptLine('Username: ');
      password ??= await promptLine('Password: ', { echo: false });
    }
    if (username === '') throw new TscRunError('username is empty');
    if (password === '') throw new TscRunError('password is empty');
    const { key, file } = await login({ registry, credentials: { username, password }, ...remoteOptions(argv) });
    if (argv.verbose) process.stdout.write(`Used: ${file}\n`);
    process.stdout.write(reused ? `Existing credentials are valid. Already logged in to ${key}\n` : 'Login Succeeded!\n');
  },
};

interface LogoutArgs extends GlobalArgs {
  registry?: string;
  extra?: string[];
  all?: boolean;
  authfile?: string;
}

export const logoutCommand: CommandModule<GlobalArgs, LogoutArgs> = {
  command: 'logout [registry] [extra..]',
  describe: 'Log out of a container registry',
  builder: (y) =>
    y
      .usage('Usage: tsc-run logout [options] [REGISTRY]\n\nRemove the cached username and password for the registry.')
      .positional('registry', { type: 'string' })
      .positional('extra', { type: 'string', array: true, hidden: true })
      .nargs('registry', 1)
      .option('all', { alias: 'a', type: 'boolean', describe: 'Remove the cached credentials for all registries in the auth file' })
      .option('authfile', { type: 'string', requiresArg: true, describe: 'Path of the authentication file. Use REGISTRY_AUTH_FILE environment variable to override' }),
  handler: async (argv) => {
    if (argv.extra?.length) throw new UsageError(`accepts at most 1 arg(s), received ${1 + argv.extra.length}`);
    const { logout } = await import('../../image/registry/login.js');
    const line = await logout({ registry: argv.registry !== undefined ? String(argv.registry) : undefined, all: argv.all === true, authfile: argv.authfile });
    process.stdout.write(line + '\n');
  },
};
