import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBootstrap, ensureBootstrapToken } from '../../core/auth/bootstrap';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';

let platform: Platform;
let file: string;
beforeAll(async () => {
  platform = await startPlatform();
  file = join(platform.dataDir, 'bootstrap-token');
});
afterAll(async () => {
  await platform?.close();
});

/** The status an admin-only read answers with this token: 200 when it signs in, 401 when it does not. */
async function statusWith(token: string): Promise<number> {
  return (await clientFor(platform)('/api/v1/tokens', { token })).status;
}

/**
 * The status once a change made behind the API's back (a restart of another process) has reached it: credentials
 * are cached for up to 3 s, and a revocation must take effect within 5 s.
 */
async function settledStatusWith(token: string, expected: number): Promise<number> {
  const deadline = Date.now() + 5000;
  let status = await statusWith(token);
  while (status !== expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    status = await statusWith(token);
  }
  return status;
}

/** A restart of the API with this STRATA_BOOTSTRAP_TOKEN (null: unset). */
const restart = (configured: string | null) => ensureBootstrapToken(platform.db, { configured, file });

describe('the bootstrap admin token', () => {
  it('changing STRATA_BOOTSTRAP_TOKEN revokes the previous value', async () => {
    const a = platform.token;
    const b = `strata_b_${randomBytes(16).toString('hex')}`;
    expect(await statusWith(a)).toBe(200);
    expect(await restart(b)).toMatchObject({ revoked: 1, configuredRevoked: false });
    expect(await settledStatusWith(a, 401)).toBe(401);
    expect(await statusWith(b)).toBe(200);
    // Restarting with the same value changes nothing.
    expect(await restart(b)).toMatchObject({ revoked: 0 });
    expect(await statusWith(b)).toBe(200);
    // Going back to a revoked value does not bring it back: it is reported, and B keeps working.
    expect(await restart(a)).toMatchObject({ configuredRevoked: true, revoked: 0 });
    expect(await settledStatusWith(a, 401)).toBe(401);
    expect(await statusWith(b)).toBe(200);
    expect(describeBootstrap(await restart(a))).toContain('STRATA_BOOTSTRAP_TOKEN names a revoked token: it cannot sign in; set a new value');
    await restart(b);
  });

  it('unsetting it generates a token into a 0600 file, revokes the configured one, and never puts the token in a log line', async () => {
    const outcome = await restart(null);
    expect(outcome).toMatchObject({ created: true, file, revoked: 1 });
    const generated = readFileSync(file, 'utf8').trim();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await statusWith(generated)).toBe(200);
    const lines = describeBootstrap(outcome);
    expect(lines.join('\n')).toContain(file);
    expect(lines.join('\n')).not.toContain(generated);
    expect(lines.join('\n')).not.toContain(generated.slice(0, 16));

    // The next start keeps it.
    expect(await restart(null)).toMatchObject({ created: false, revoked: 0 });
    expect(await statusWith(generated)).toBe(200);

    // A file whose token no longer works (replaced by hand) gets a new token, and the replaced one is revoked.
    await writeFile(file, 'strata_not_a_registered_token_at_all\n');
    expect(await restart(null)).toMatchObject({ created: true, revoked: 1 });
    const regenerated = readFileSync(file, 'utf8').trim();
    expect(regenerated).not.toBe(generated);
    expect(await settledStatusWith(generated, 401)).toBe(401);
    expect(await statusWith(regenerated)).toBe(200);

    // Setting the variable again revokes the generated token and removes its file.
    const c = `strata_c_${randomBytes(16).toString('hex')}`;
    expect(await restart(c)).toMatchObject({ revoked: 1 });
    expect(await settledStatusWith(regenerated, 401)).toBe(401);
    expect(() => statSync(file)).toThrow();
  });
});
