import { defineConfig } from 'vitest/config';

// Two projects. `integration`: tests that drive the platform (test/harness/platform.ts) share one real PostgreSQL
// and Temporal dev server started by the global setup. `unit`: everything else, which does not wait for them
// (`npx vitest run --project unit`). `npx vitest run` runs both.
const integration = ['test/**/*.test.ts', 'cli/strata.test.ts', 'api/routes/web/dashboard-api.test.ts'];
const unitInTestDir = ['test/architecture.test.ts', 'test/web/shared-code.test.ts', 'test/workflows/unit/**/*.test.ts'];
const excluded = ['node_modules/**', 'web/dist/**', '.data/**'];

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 240_000,
    teardownTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // The web dashboard's unit tests (web/src/**/*.test.ts) run here too, in Node: they cover its pure modules.
          include: ['{core,cli,api,activities,workflows,temporal,deploy,bench}/**/*.test.ts', 'web/src/**/*.test.ts', ...unitInTestDir],
          exclude: [...excluded, ...integration.filter((p) => !p.startsWith('test/'))],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: integration,
          exclude: [...excluded, ...unitInTestDir],
          globalSetup: ['test/setup/global-setup.ts'],
        },
      },
    ],
  },
});
