import { defineConfig } from 'vitest/config';

/**
 * The differential suite against Metro (JAX-WS RI); .ci/run installs Debian's jaxws and libjaxws-java first.
 * Long hooks: the first run per WSDL runs wsimport and javac, and each profile starts a JVM.
 */
export default defineConfig({
  test: {
    include: ['test/metro/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
  },
});
