import { defineConfig } from 'vitest/config';

/** Third-party SOAP and REST clients and xmllint against a running mock; .ci/run installs them from Debian first. */
export default defineConfig({
  test: {
    include: ['test/interop/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
