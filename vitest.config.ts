import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The web dashboard's unit tests (web/src/**/*.test.ts) run here too, in Node: they cover its pure modules.
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'web/dist/**', '.data/**'],
    globalSetup: ['test/setup/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 240_000,
    teardownTimeout: 30_000,
  },
});
