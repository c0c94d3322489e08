import { fileURLToPath } from 'node:url';

/**
 * Where the files a process reads at run time live. From the sources (tsx: development, tests, `npm start`)
 * they sit in the repository; from the production build (`npm run build` → `dist/*.mjs`: entry points and the
 * chunks they share, all in `dist/`, so `import.meta.url` is in `dist/`) they sit beside the bundles.
 */
export interface RuntimeLayout {
  compiled: boolean;
  /** Migration files: `YYYYMMDDHHMMSS_name.ts` from the sources, `.mjs` in the build. */
  migrationsDir: string;
  /** The built dashboard (index.html and hashed assets). */
  webDist: string;
  /** The prebuilt Temporal workflow bundle; null from the sources, which bundle the workflows at start-up. */
  workflowBundle: string | null;
  /** The same with OpenTelemetry's workflow interceptor, for workers that trace (temporal/tracing.ts). */
  tracedWorkflowBundle: string | null;
  /** How to start the process that runs one Pulumi operation (core/runs/pulumi/program-child.ts): node arguments and cwd. */
  pulumiChild: { args: string[]; cwd: string };
}

// A bundle is an `.mjs` file; this module itself is `core/layout.ts` when run from the sources.
const compiled = !import.meta.url.endsWith('/core/layout.ts');
const at = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

export const layout: RuntimeLayout = compiled
  ? {
      compiled,
      migrationsDir: at('./migrations'),
      webDist: at('./web'),
      workflowBundle: at('./workflow-bundle.js'),
      tracedWorkflowBundle: at('./workflow-bundle-traced.js'),
      pulumiChild: { args: [at('./pulumi-child.mjs')], cwd: at('.') },
    }
  : {
      compiled,
      migrationsDir: at('../migrations'),
      webDist: at('../web/dist'),
      workflowBundle: null,
      tracedWorkflowBundle: null,
      // From the sources through tsx, resolved from the repository.
      pulumiChild: { args: ['--import', 'tsx', at('../core/runs/pulumi/program-child.ts')], cwd: at('..') },
    };
