import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // suites that need tools from Debian packages or a browser run from .ci/run with their own config
    exclude: [
      'test/interop/**',
      'test/pkilint/**',
      'test/container/**',
      'test/browser/**',
      'test/packed/**',
      'node_modules/**',
    ],
    setupFiles: ['test/support/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
