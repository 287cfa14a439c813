import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // one mock for the whole run, started before the first test file and closed after the last
    globalSetup: ['./ccm-mock.global-setup.ts'],
  },
});
