// Process entry of the bundled program (dist/app/tsc-run.mjs, and the SEA).
// `--version` answers before yargs and the command table are even loaded.

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  const { VERSION } = await import('../version.js');
  process.stdout.write(`tsc-run version ${VERSION}\n`);
} else {
  const { main } = await import('./main.js');
  process.exitCode = await main();
}
