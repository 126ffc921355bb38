// Process entry of the bundled program (dist/app/tsc-run.mjs, and the SEA).
// `--version` and plain `version` answer before main(), yargs and the
// command table are even loaded.

import module from 'node:module';

// The bundle's chunks import one another by relative `.mjs` paths: hundreds
// of edges for `run`, each of which Node's default resolver checks on disk
// (realpath, stat, package.json scope for the format), ~10% of the CPU time
// of `run --rm IMG true`. They are all ES modules beside this file: resolve
// them by URL alone. Anything else goes to the default resolver.
function resolveChunksByUrl(): void {
  const here = new URL('.', import.meta.url).href;
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      if ((specifier.startsWith('./') || specifier.startsWith('../')) && specifier.endsWith('.mjs') && context.parentURL?.startsWith(here)) {
        const url = new URL(specifier, context.parentURL).href;
        if (url.startsWith(here)) return { url, format: 'module', shortCircuit: true };
      }
      return nextResolve(specifier, context);
    },
  });
}

// A reader that goes away (`tsc-run logs | head -1`) ends us quietly, as
// SIGPIPE ends podman (the shell sees 128+13), instead of Node's unhandled
// 'error' event and its stack.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(141);
    process.exitCode = 125;
    // Any other failure to write (a full disk under `> file`): say so once, as podman would.
    if (stream === process.stdout) void import('../errors.js').then(({ errnoText }) => process.stderr.write(`Error: write /dev/stdout: ${errnoText(err)}\n`));
  });
}

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  const { VERSION } = await import('../version.js');
  process.stdout.write(`tsc-run version ${VERSION}\n`);
} else if (args.length === 1 && args[0] === 'version' && process.env._TSC_RUN_ENGINE_FLAGS === undefined) {
  // Plain `version` as main() would answer it (versionWithoutParser), without loading main's routing and help: ~6 ms.
  const { versionText } = await import('./commands/version.js');
  process.stdout.write(versionText());
} else {
  resolveChunksByUrl();
  const { main } = await import('./main.js');
  process.exitCode = await main();
}
