// The order files start in: vitest's own (projects by groupOrder, then
// failed-first and longest-first from its cache of earlier runs), except that
// within a project the durations in durations.json come first. A fresh CI
// clone has no cache, and vitest would then start the largest files first,
// which are not the slowest: with two workers, the slowest file starting last
// leaves one worker idle for its whole length. Longest first, the two end
// within a few seconds of each other. Refresh the list with
// `node scripts/test-durations.mjs LOG` (docs/testing.md).

import fs from 'node:fs';
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** A file not in the list yet: as long as a typical new file. */
const UNKNOWN_SECONDS = 10;

function durations(root: string): Record<string, number> {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'test', 'harness', 'durations.json'), 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

export class DurationSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const root = this.ctx.config.root;
    const known = durations(root);
    const seconds = (f: TestSpecification) => known[path.relative(root, f.moduleId)] ?? UNKNOWN_SECONDS;
    const rank = new Map(base.map((f, i) => [f, i]));
    return [...base].sort((a, b) => {
      const group = a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder;
      if (group !== 0) return group;
      if (a.project.name !== b.project.name) return a.project.name < b.project.name ? -1 : 1;
      return seconds(b) - seconds(a) || rank.get(a)! - rank.get(b)!;
    });
  }
}
