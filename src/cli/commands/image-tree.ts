// `tsc-run image tree IMAGE`: podman 4.3's layer hierarchy of an image.

import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { GlobalArgs } from '../global.js';
import { rootsOf } from '../global.js';

interface TreeArgs extends GlobalArgs {
  image?: string;
  extra?: string[];
  whatrequires?: boolean;
}

export const imageTreeCommand: CommandModule<GlobalArgs, TreeArgs> = {
  command: 'tree [image] [extra..]',
  describe: 'Prints layer hierarchy of an image in a tree format',
  builder: (y) =>
    y
      .usage('Usage: tsc-run image tree [options] IMAGE\n\nPrints layer hierarchy of an image in a tree format')
      .example('tsc-run image tree alpine:latest', '')
      .positional('extra', { type: 'string', array: true, hidden: true })
      .option('whatrequires', { type: 'boolean', describe: 'Show all child images and layers of the specified image' }),
  handler: async (argv) => {
    const given = [argv.image, ...(argv.extra ?? [])].filter((a) => a !== undefined);
    if (given.length !== 1) throw new UsageError(`accepts 1 arg(s), received ${given.length}`);
    const { imageLayerTree } = await import('../../image/layer-tree.js');
    process.stdout.write(await imageLayerTree(rootsOf(argv).dataRoot, String(given[0]), argv.whatrequires === true));
  },
};
