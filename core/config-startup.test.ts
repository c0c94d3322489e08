import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';
import { ConfigError, formatConfigError } from './config-errors';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Runs an entry point the way `npm run api` does, with only the given environment (plus PATH and HOME). */
function runEntry(entry: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', entry],
      { cwd: ROOT, env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env }, timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    );
  });
}

function problemsOf(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return formatConfigError(err);
    throw err;
  }
  throw new Error('the configuration was accepted');
}

describe('an invalid configuration at start-up', () => {
  it('names each wrong variable and how to fix it, exits with 1 and prints no stack trace (api, worker, migrate)', async () => {
    const cases: [string, Record<string, string>, string[]][] = [
      ['api/server.ts', { STRATA_STORAGE: 's3' }, ['Strata cannot start: STRATA_S3_BUCKET is required when STRATA_STORAGE=s3 — set it to the name of an existing bucket']],
      [
        'temporal/worker.ts',
        { PORT: 'eighty', STRATA_SIGNING_SECRET: 'short-secret-value' },
        [
          'Strata cannot start: PORT must be a whole number (got "eighty") — set it to a TCP port number between 0 and 65535',
          'Strata cannot start: STRATA_SIGNING_SECRET is too short (at least 32 characters) — use a random value of at least 32 characters, e.g. $(openssl rand -hex 32), or unset it to have one generated',
        ],
      ],
      ['core/db/migrate-main.ts', { LOG_LEVEL: 'loud' }, ['Strata cannot start: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud") — set it to fatal, error, warn, info, debug, trace or silent']],
    ];
    for (const [entry, env, expected] of cases) {
      const run = await runEntry(entry, env);
      expect(run.code, `${entry}: ${run.stderr}`).toBe(1);
      expect(run.stderr.trim().split('\n'), entry).toEqual(expected);
      expect(run.stderr).not.toMatch(/\n\s+at |Error:/);
      // A secret's value is never echoed back.
      expect(run.stderr).not.toContain('short-secret-value');
    }
  });

  it('explains enums, URLs, booleans and settings that go together', () => {
    expect(problemsOf({ STRATA_STORAGE: 'gcs' })).toBe(
      'Strata cannot start: STRATA_STORAGE must be one of local, s3, azure (got "gcs") — set it to local, s3 or azure',
    );
    expect(problemsOf({ STRATA_PUBLIC_URL: 'registry' })).toMatch(/^Strata cannot start: STRATA_PUBLIC_URL must be an absolute URL \(got "registry"\) — set it to/);
    expect(problemsOf({ STRATA_SERVE_WEB: 'maybe' })).toMatch(/STRATA_SERVE_WEB must be one of 0, 1, true, false, yes, no \(got "maybe"\) — set it to true or false/);
    expect(problemsOf({ STRATA_TLS_CERT: '/tls/cert.pem' })).toBe(
      'Strata cannot start: STRATA_TLS_CERT and STRATA_TLS_KEY must be set together — set STRATA_TLS_CERT and STRATA_TLS_KEY together (PEM files), or neither',
    );
    expect(problemsOf({ STRATA_STORAGE: 'azure', STRATA_AZURE_CONTAINER: 'artifacts' })).toMatch(
      /^Strata cannot start: STRATA_AZURE_CONNECTION_STRING is not set correctly: set either .* — see the Azure settings/,
    );
  });
});
