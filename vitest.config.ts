import { defineConfig } from 'vitest/config';
import { DurationSequencer } from './test/harness/sequencer.js';

// Projects: `unit` is pure logic (no namespaces, no root, fast);
// `integration` and `integration-serial` drive the built CLI as the
// unprivileged test user (docs/testing.md, "Parallel and serial files").
//
// Every integration file gets its own stores, HOME, XDG_RUNTIME_DIR and
// registries on free loopback ports (test/harness/), so files run two at a
// time. The files below run afterwards, one at a time, with the machine to
// themselves; each with its reason. A new file that needs the host alone
// (a fixed port, a host-wide setting, a tight wall-clock limit) goes here.
export const SERIAL_FILES: Record<string, string> = {
  'test/integration/lifecycle.test.ts': 'stop/kill/restart must finish within 8-9 s of wall time',
  'test/integration/network-monitor-kill.test.ts': 'a killed monitor must take its container within 3 s and its port within 5 s',
  'test/integration/top-stats.test.ts': "stats compares the container's CPU time and memory with the host's",
  'test/integration/info.test.ts': "system doctor and info read the host's settings and compare with root's podman info",
};

const INTEGRATION = 'test/integration/**/*.test.ts';

const integration = {
  // Copies the built CLI where the test user can run it (test/harness/global-setup.ts).
  globalSetup: ['test/harness/global-setup.ts'],
  testTimeout: 120_000,
  hookTimeout: 120_000,
};

export default defineConfig({
  test: {
    // Longest files first (test/harness/durations.json).
    sequence: { sequencer: DurationSequencer },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 20_000,
          // vitest's default is one worker less than the cores: one, on CI's two.
          maxWorkers: 2,
        },
      },
      {
        test: {
          ...integration,
          name: 'integration',
          include: [INTEGRATION],
          exclude: Object.keys(SERIAL_FILES),
          // Two files at a time (the CI machine has 2 cores).
          fileParallelism: true,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          ...integration,
          name: 'integration-serial',
          include: Object.keys(SERIAL_FILES),
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
