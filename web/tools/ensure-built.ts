import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = fileURLToPath(new URL('..', import.meta.url));
const repoDir = join(webDir, '..');

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** True when web/dist is missing or older than any source of the dashboard (or the installed packages). */
export function webBuildIsStale(): boolean {
  const built = join(webDir, 'dist', 'index.html');
  if (!existsSync(built)) return true;
  const sources = Math.max(
    newestMtime(join(webDir, 'src')),
    newestMtime(join(webDir, 'public')),
    newestMtime(join(webDir, 'index.html')),
    newestMtime(join(webDir, 'vite.config.ts')),
    newestMtime(join(repoDir, 'package-lock.json')),
    // Server code the dashboard bundles too (test/web/shared-code.test.ts keeps that list short and pure).
    newestMtime(join(repoDir, 'core/registry/latest-version.ts')),
  );
  return statSync(built).mtimeMs < sources;
}

/**
 * Builds the dashboard into web/dist unless it is up to date: `npm start` and the test preparation call it, so
 * a fresh clone serves the UI without a separate step. Vite is a dev dependency: production images build the
 * dashboard in their build stage instead (deploy/Dockerfile).
 */
export async function ensureWebBuilt(options: { log?: (line: string) => void; optional?: boolean } = {}): Promise<'built' | 'up to date' | 'skipped'> {
  if (!webBuildIsStale()) return 'up to date';
  let build: typeof import('vite').build;
  try {
    ({ build } = await import('vite'));
  } catch (err) {
    // Installed without dev dependencies: the API and registry protocols still work, only the dashboard is missing.
    if (!options.optional) throw err;
    options.log?.('vite is not installed (npm install without dev dependencies?): starting without the web dashboard');
    return 'skipped';
  }
  options.log?.('building the web dashboard (vite build)…');
  await build({ configFile: join(webDir, 'vite.config.ts'), logLevel: 'warn' });
  return 'built';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureWebBuilt({ log: (line) => console.log(line), optional: true }).then(
    (outcome) => console.log(`web dashboard ${outcome}`),
    (err) => {
      console.error('could not build the web dashboard:', err);
      process.exit(1);
    },
  );
}
