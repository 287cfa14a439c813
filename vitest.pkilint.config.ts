import { defineConfig } from 'vitest/config';

/** DigiCert's pkilint on everything the test CA makes; .ci/run installs pkilint first (it is no npm package). */
export default defineConfig({
  test: {
    include: ['test/pkilint/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
