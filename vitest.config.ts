import { defineConfig } from 'vitest/config';

// Two projects: `unit` is pure logic (no namespaces, no root, fast);
// `integration` drives the built CLI as the unprivileged test user.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // Copies the built CLI where the test user can run it (test/harness/global-setup.ts).
          globalSetup: ['test/harness/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Integration tests share the host (registry ports, test user): keep files serial.
          fileParallelism: false,
        },
      },
    ],
  },
});
