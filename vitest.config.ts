import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const protocolSrc = fileURLToPath(new URL('./protocol/src/index.ts', import.meta.url));
const protocolInternalSrc = fileURLToPath(new URL('./protocol/src/internal.ts', import.meta.url));

/**
 * One suite for the whole repository. Files run one at a time: integration and browser tests
 * start real processes (servers, media nodes, Chromium) and this machine has two cores.
 */
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@parley\/protocol\/internal$/, replacement: protocolInternalSrc },
      { find: /^@parley\/protocol$/, replacement: protocolSrc },
    ],
  },
  test: {
    include: ['*/test/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/support/closingLineReporter.ts'],
  },
});
