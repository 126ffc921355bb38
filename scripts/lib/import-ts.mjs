// Import a TypeScript module from a zx script. Node strips types but does not
// map the `.js` import specifiers our TypeScript uses to `.ts` files, so the
// module is bundled with esbuild (dependencies stay external) and imported.
import 'zx/globals';
import { pathToFileURL } from 'node:url';

export async function importTs(root, entry) {
  const esbuild = await import('esbuild');
  // Inside the checkout, so the bundle resolves node_modules and finds the repo like the source does.
  const outfile = path.join(root, 'node_modules/.cache/tsc-run-scripts', path.basename(entry, '.ts') + '.mjs');
  await esbuild.build({
    entryPoints: [path.join(root, entry)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    packages: 'external',
    logLevel: 'warning',
  });
  return import(pathToFileURL(outfile).href);
}
