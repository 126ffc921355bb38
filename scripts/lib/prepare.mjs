// Shared by `npm test` and `npm run demo`: section headers, steps that
// inherit our output without stdin, and the prepare sequence
// (host setup → build → single executable).
import 'zx/globals';

const started = Date.now();

export function section(title) {
  const t = `${((Date.now() - started) / 1000).toFixed(0)}s`;
  echo(`\n==== ${title} ${'='.repeat(Math.max(4, 66 - title.length))} [${t}]`);
}

/** Run `cmd` (argv array) with our stdout/stderr and no stdin; returns its exit code. */
export async function step(cmd) {
  const r = await $({ stdio: ['ignore', 'inherit', 'inherit'], verbose: false })`${cmd}`.nothrow();
  return r.exitCode ?? 1;
}

function fail(msg) {
  echo(msg);
  process.exit(1);
}

/** setup-host, build, bundle; exits on failure. `root` is the checkout. */
export async function prepare(root) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

  section('host setup (scripts/setup-host.mjs)');
  if ((await step(['zx', path.join(root, 'scripts/setup-host.mjs')])) !== 0) fail('the host is not ready (see above)');

  section('build');
  if ((await step(['npm', 'run', '--silent', 'build'])) !== 0) fail('build failed');

  section('bundle (dist/tsc-run)');
  if (pkg.scripts?.bundle && fs.existsSync(path.join(root, 'scripts/bundle.mjs'))) {
    // The build just ran: the bundle packs it as it is.
    if ((await step(['npm', 'run', '--silent', 'bundle', '--', '--no-build'])) !== 0) fail('bundle failed');
  } else {
    echo('NOTE: no bundle script yet; using dist/tsc-run-dev instead of the single executable');
  }
}
