import { defineConfig } from 'vitest/config';

/** The admin page in a real headless browser (Debian's chromium, driven by playwright-core); .ci/run installs chromium first. */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
