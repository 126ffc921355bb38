// The storage layer's view of the helper: apply a fixup list to a tree and
// remove trees, inside the user namespace whose sub-ids own their files.

import fs from 'node:fs';
import type { TreeOps } from '../../storage/layers/layer-store.js';
import { HelperError } from '../../errors.js';
import { fastRmtree } from './fast-rmtree.js';
import { runHelper, type HelperResult } from './helper.js';
import { hostUserNamespace, isIdentityMap } from '../preflight.js';

/** True only for real root in the host's user namespace: the one place device nodes can be made. */
function canMakeDevices(): boolean {
  if (process.geteuid!() !== 0) return false;
  try {
    return isIdentityMap(fs.readFileSync('/proc/self/uid_map', 'utf8'));
  } catch {
    return false;
  }
}

/** The helper reports its failures itself; a bare non-zero status is still one. */
function check(mode: string, r: HelperResult): void {
  if (r.exitCode !== 0) throw new HelperError(`tsc-run-helper ${mode} exited with status ${r.exitCode}`);
}

export function helperTreeOps(): TreeOps {
  const userns = hostUserNamespace();
  const devices = canMakeDevices();
  return {
    devices,
    async unpack(root, tar) {
      const { unpackLayer } = await import('./unpack-layer.js');
      await unpackLayer(root, tar, { devices, userns });
    },
    async fixup(root, list) {
      check('fixup', await runHelper({ mode: 'fixup', args: [root], input: list, userns }));
    },
    // The user's own files go directly; sub-id-owned ones through the helper (fast-rmtree.ts).
    rmtree: fastRmtree(async (...paths) => {
      if (paths.length) check('rmtree', await runHelper({ mode: 'rmtree', args: paths, userns }));
    }),
  };
}
