#!/usr/bin/env zx
// `npm run demo`: set up the host, build the single executable, make a
// busybox image from the machine's busybox-static, and run a container from
// it as an unprivileged user (tsctest when we are root, else ourselves) with
// a temporary store, exactly as a user would type it.
import 'zx/globals';
import { importTs } from './lib/import-ts.mjs';
import { prepare, section } from './lib/prepare.mjs';

$.verbose = false;
const root = path.resolve(__dirname, '..');
cd(root);

await prepare(root);

section('demo');
/** @type {typeof import('../test/harness/index.ts')} */
const h = await importTs(root, 'test/harness/index.ts');

// The binary goes where the unprivileged user can run it (the checkout may be in /root).
const runDir = fs.mkdtempSync('/tmp/tsc-run-demo-bin-');
process.env[h.RUN_DIR_ENV] = runDir;
const cli = h.cliBinary();
const user = h.testUser();
const sb = await h.makeSandbox('demo');
const MESSAGE = 'hello from a tsc-run container';

let ok = false;
try {
  const tar = await h.buildBusyboxRootfsTar(path.join(sb.dir, 'busybox-rootfs.tar'));
  echo(`as ${user.name} (uid ${user.uid}), CLI ${cli.single ? 'dist/tsc-run' : 'dist/tsc-run-dev'}, store ${sb.root}`);
  const run = async (args) => {
    echo(chalk.bold(`$ tsc-run ${args.map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ')}`));
    const r = await h.tscRun(args, { sandbox: sb, timeoutMs: 120_000 });
    // Progress goes to stderr before the result on stdout, as on a terminal.
    process.stderr.write(r.stderr);
    process.stdout.write(r.stdout);
    if (r.exitCode !== 0) echo(chalk.red(`(exit ${r.exitCode})`));
    return r;
  };
  const imp = await run(['import', tar.path, 'demo:latest']);
  if (imp.exitCode === 0) {
    const r = await run(['run', '--rm', 'demo', 'echo', MESSAGE]);
    ok = r.exitCode === 0 && r.stdout.trim() === MESSAGE;
  }
} finally {
  await sb.cleanup();
  await h.removeTree(runDir, user);
}

section(ok ? 'demo OK' : 'demo FAILED');
process.exit(ok ? 0 : 1);
