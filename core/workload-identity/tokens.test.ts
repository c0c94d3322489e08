import { describe, expect, it } from 'vitest';
import type { Db } from '../db/knex';
import type { SecretBox } from '../crypto/envelope';
import { openIdConfiguration } from './discovery';
import { mintWorkloadToken, workloadClaims } from './tokens';

describe('run ID token claims', () => {
  it('names the organisation, workspace, run and phase in sub and in claims of their own', () => {
    expect(workloadClaims({ orgName: 'acme', workspaceName: 'net', runId: 'run-1', phase: 'apply' })).toEqual({
      sub: 'organization:acme:workspace:net:run_phase:apply',
      strata_organization: 'acme',
      strata_workspace: 'net',
      strata_run_id: 'run-1',
      strata_run_phase: 'apply',
    });
  });

  it('refuses input that would make sub ambiguous or name no cloud, before touching any key', async () => {
    // Validation comes first: these dependencies throw if used.
    const deps = {
      db: new Proxy({}, { get: () => { throw new Error('the database was used'); } }) as unknown as Db,
      secrets: {} as SecretBox,
      config: { publicUrl: 'https://strata.example', workloadIdentity: { keyRotationSeconds: 3600, tokenLifetimeSeconds: 600 } },
    };
    const ok = { orgName: 'acme', workspaceName: 'net', runId: 'r1', phase: 'plan' as const, audience: 'sts.amazonaws.com' };
    for (const bad of [
      { orgName: 'acme:workspace:prod' },
      { workspaceName: 'a b' },
      { runId: 'r1:run_phase:apply' },
      { phase: 'destroy' },
      { audience: ' ' },
    ]) {
      await expect(mintWorkloadToken(deps, { ...ok, ...bad } as typeof ok)).rejects.toMatchObject({ kind: 'invalid', code: 'invalid_workload_token_request' });
    }
  });
});

describe('OpenID Provider metadata', () => {
  it('names the public URL as issuer, the JWKS under it, RS256 ID tokens and the Strata claims', () => {
    const doc = openIdConfiguration('https://strata.example');
    expect(doc).toMatchObject({
      issuer: 'https://strata.example',
      jwks_uri: 'https://strata.example/.well-known/jwks.json',
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
    expect(doc.claims_supported).toEqual(expect.arrayContaining(['sub', 'aud', 'strata_organization', 'strata_workspace', 'strata_run_id', 'strata_run_phase']));
  });
});
