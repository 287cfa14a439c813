import { defineConfig } from 'vitest/config';

/** The container smoke test: builds the image with podman and runs the README's Docker section (.ci/run prepares podman). */
export default defineConfig({
  test: {
    include: ['test/container/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    // the first build compiles better-sqlite3 when no prebuilt binary can be downloaded
    testTimeout: 900_000,
    hookTimeout: 120_000,
    // one podman container and one image name: never run in parallel
    fileParallelism: false,
  },
});
