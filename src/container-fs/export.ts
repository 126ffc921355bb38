// `export CONTAINER`: the container's root filesystem, as the container
// sees it (its image's layers and its changes merged), as one tar: names
// relative to the root, ownership as in the container, like podman.

import fs from 'node:fs';
import type { Writable } from 'node:stream';
import type { Roots } from '../config/paths.js';
import { ChildExit, TscRunError } from '../errors.js';
import { ContainerStore } from '../storage/containers.js';
import { withContainerRoot } from './container-root.js';
import { withFsSession } from './fs-session.js';
import { TarOut } from './tar-io.js';

export interface ExportOptions {
  roots: Roots;
  container: string;
  /** -o FILE; undefined: stdout. */
  output?: string | undefined;
  stdout: Writable & { isTTY?: boolean };
}

/** podman's checks of the destination, before anything is read. */
function checkOutput(o: ExportOptions): void {
  if (o.output === undefined) {
    if (o.stdout.isTTY) throw new TscRunError('refusing to export to terminal. Use -o flag or redirect');
    return;
  }
  if (o.output.includes(':')) throw new TscRunError(`invalid filename (should not contain ':') ${JSON.stringify(o.output)}`);
}

async function openOutput(file: string): Promise<Writable> {
  try {
    const fh = await fs.promises.open(file, 'w', 0o644);
    return fh.createWriteStream();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file or directory' : e.code === 'EACCES' ? 'permission denied' : e.code === 'EISDIR' ? 'is a directory' : e.message;
    throw new TscRunError(`creating file ${JSON.stringify(file)}: open ${file}: ${why}`, undefined, { cause: err });
  }
}

export async function exportContainer(o: ExportOptions): Promise<void> {
  checkOutput(o);
  const rec = await new ContainerStore(o.roots.dataRoot).lookup(o.container);
  const dest = o.output === undefined ? o.stdout : await openOutput(o.output);
  const out = new TarOut(dest, o.output !== undefined);
  try {
    await withContainerRoot(o.roots, rec, ({ root }) =>
      withFsSession(root, (s) =>
        s.walk('get', '/', async (e, data) => {
          if (e.path === '') return;
          await out.add(e, e.path, data);
        }),
      ),
    );
    await out.finish();
  } catch (err) {
    out.abort(err as Error);
    if (o.output !== undefined) await fs.promises.rm(o.output, { force: true });
    // A reader that went away (`| head`): end as a Go program does on SIGPIPE, without a message.
    if ((err as NodeJS.ErrnoException).code === 'EPIPE' && o.output === undefined) throw new ChildExit(141);
    throw err;
  }
}
