// The integration-test harness in one import (tests may also import the modules directly).

export * from './binary.js';
export * from './cli.js';
export * from './fixtures.js';
export * from './images.js';
export * from './proc.js';
export * from './registry.js';
export * from './sandbox.js';
export * from './user.js';
export * from './store-cli.js';
