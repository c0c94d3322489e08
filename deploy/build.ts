import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundleOptions } from '../temporal/create-worker';

/**
 * `npm run build`: the production build, run with plain `node` (no tsx at run time).
 *   dist/api.mjs, dist/worker.mjs, dist/migrate.mjs   the three process entry points, ESM bundles
 *   dist/chunk-*.mjs, dist/<name>-*.mjs                code they share, and modules loaded on first use
 *   dist/migrations/*.mjs                             the migrations, compiled
 *   dist/workflow-bundle.js                           the prebuilt Temporal workflow bundle the worker loads
 *   dist/workflow-bundle-traced.js                    the same with OpenTelemetry's workflow interceptor (tracing on)
 *   dist/web/                                         the dashboard
 * Packages stay in node_modules (`npm ci --omit=dev`): the Temporal worker's native bridge and PostgreSQL's
 * driver are not bundleable, and one rule for all keeps the build predictable. core/layout.ts finds these files.
 * Options (tests): `--out <dir>` another output directory inside the repository (packages resolve from
 * node_modules above it); `--no-web` skips the dashboard.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({ options: { out: { type: 'string' }, 'no-web': { type: 'boolean' } } });
const dist = resolve(root, args.out ?? 'dist');

/**
 * Packages stay external, but Node's ESM loader resolves a deep import (`pkg/sub/path`) of a package without an
 * `exports` map only with its file extension, which CommonJS-era packages' own docs omit
 * (`azure-devops-node-api/interfaces/GitInterfaces`). Write the file the way Node will find it.
 */
const deepImports: Plugin = {
  name: 'deep-imports',
  setup(b) {
    b.onResolve({ filter: /^(@[^/]+\/)?[^./@][^/]*\/./ }, (args) => {
      const [, pkg, sub] = /^((?:@[^/]+\/)?[^/]+)\/(.+)$/.exec(args.path)!;
      const pkgDir = join(root, 'node_modules', pkg!);
      if (!existsSync(join(pkgDir, 'package.json')) || /\.(c|m)?js$|\.json$/.test(sub!)) return { path: args.path, external: true };
      if ((JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { exports?: unknown }).exports) return { path: args.path, external: true };
      for (const candidate of [`${sub}.js`, `${sub}/index.js`]) {
        if (existsSync(join(pkgDir, candidate))) return { path: `${pkg}/${candidate}`, external: true };
      }
      return { path: args.path, external: true };
    });
  },
};

const common: BuildOptions = {
  plugins: [deepImports],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
};

async function main(): Promise<void> {
  const started = Date.now();
  await rm(dist, { recursive: true, force: true });
  await mkdir(dist, { recursive: true });

  await build({
    ...common,
    entryPoints: {
      api: join(root, 'api/server.ts'),
      worker: join(root, 'temporal/worker.ts'),
      migrate: join(root, 'core/db/migrate-main.ts'),
      'pulumi-child': join(root, 'core/runs/pulumi/program-child.ts'),
    },
    outdir: dist,
    // Code splitting keeps every `await import()` lazy in the build: without it esbuild inlines the imported module
    // and hoists its package imports to the top of the bundle, so the API loaded every optional SDK at start-up.
    // Chunks sit beside the entry points (`dist/chunk-*.mjs`), so `import.meta.url` keeps pointing into `dist/`.
    splitting: true,
    outExtension: { '.js': '.mjs' },
  });

  const migrations = (await readdir(join(root, 'migrations'))).filter((f) => /^\d{14}_[a-z0-9_]+\.ts$/.test(f));
  await build({
    ...common,
    entryPoints: migrations.map((f) => join(root, 'migrations', f)),
    outdir: join(dist, 'migrations'),
    outExtension: { '.js': '.mjs' },
  });

  await writeFile(join(dist, 'workflow-bundle.js'), (await bundleWorkflowCode(workflowBundleOptions({ tracing: false }))).code);
  await writeFile(join(dist, 'workflow-bundle-traced.js'), (await bundleWorkflowCode(workflowBundleOptions({ tracing: true }))).code);

  if (!args['no-web']) {
    execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    await cp(join(root, 'web/dist'), join(dist, 'web'), { recursive: true });
  }
  const what = `api, worker, migrate, ${migrations.length} migrations, workflow bundle${args['no-web'] ? '' : ', web'}`;
  console.log(`built ${dist} (${what}) in ${Date.now() - started} ms`);
}

await main();
