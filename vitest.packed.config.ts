import { defineConfig } from 'vitest/config';

/**
 * The package as users get it: `npm pack`, installed into a new project (test/packed/consumer.ts), then both exports,
 * both bins and the docs' recipes there; the Testcontainers recipe needs podman (.ci/run runs this after the container
 * suite has prepared it). Installing compiles better-sqlite3 where no prebuilt binary can be downloaded: minutes.
 */
export default defineConfig({
  test: {
    include: ['test/packed/**/*.test.ts'],
    globalSetup: ['test/packed/consumer.ts'],
    setupFiles: ['test/support/setup.ts'],
    testTimeout: 300_000,
    // the Testcontainers file builds the image first: the first build compiles better-sqlite3 (as the container suite says)
    hookTimeout: 900_000,
    // one project, one podman service: one file at a time
    fileParallelism: false,
  },
});
