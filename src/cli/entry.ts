// Process entry of the bundled program (dist/app/tsc-run.mjs, and the SEA).
import { main } from './main.js';

process.exitCode = await main();
