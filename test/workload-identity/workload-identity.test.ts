import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretBox } from '../../core/crypto/envelope';
import { resolveSecretBox } from '../../core/crypto/master-key';
import { awsSessionName, exchangeAwsWebIdentity } from '../../core/workload-identity/aws';
import { DEFAULT_AUDIENCES, mintWorkloadToken, type MintInput } from '../../core/workload-identity/tokens';
import { clientFor } from '../harness/http';
import { startMoto, type MotoServer } from '../harness/moto';
import { startPlatform, type Platform } from '../harness/platform';

// Strata as an OpenID Connect issuer: tokens minted for run phases, verified the way a cloud does (jose against
// the running platform's discovery document and JWKS over HTTP), key rotation driven through the key rows, and
// the AWS exchange against a real STS implementation (moto).

let platform: Platform;
let moto: MotoServer;
let secrets: SecretBox;
let call: ReturnType<typeof clientFor>;
let jwksUri: string;

const run: MintInput = { orgName: 'acme', workspaceName: 'net', runId: 'run-0001', phase: 'apply', audience: DEFAULT_AUDIENCES.aws };
const mint = (input: Partial<MintInput> = {}) => mintWorkloadToken({ db: platform.db, secrets, config: platform.config }, { ...run, ...input });

/** Verifies as a cloud would: a JWKS fetched fresh from the platform (no client-side cache between steps). */
async function verify(token: string, audience: string = DEFAULT_AUDIENCES.aws, currentDate?: Date): Promise<JWTPayload> {
  const keys = createRemoteJWKSet(new URL(jwksUri), { cooldownDuration: 0, cacheMaxAge: 0 });
  const { payload } = await jwtVerify(token, keys, { issuer: platform.url, audience, algorithms: ['RS256'], ...(currentDate ? { currentDate } : {}) });
  return payload;
}

async function publishedKids(): Promise<string[]> {
  const res = await call('/.well-known/jwks.json', { token: null });
  expect(res.status).toBe(200);
  return res.json<{ keys: { kid: string }[] }>().keys.map((k) => k.kid);
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

beforeAll(async () => {
  [platform, moto] = await Promise.all([startPlatform(), startMoto()]);
  secrets = await resolveSecretBox(platform.config);
  call = clientFor(platform);
});

afterAll(async () => {
  await Promise.all([platform?.close(), moto?.stop()]);
});

describe('Strata as an OpenID Connect issuer', () => {
  it('publishes its metadata and an empty key set before any token was minted, to anyone', async () => {
    const res = await call('/.well-known/openid-configuration', { token: null });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = res.json();
    expect(doc).toMatchObject({
      issuer: platform.url,
      jwks_uri: `${platform.url}/.well-known/jwks.json`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
    expect(doc.claims_supported).toEqual(expect.arrayContaining(['strata_organization', 'strata_workspace', 'strata_run_id', 'strata_run_phase']));
    jwksUri = doc.jwks_uri;
    expect(await publishedKids()).toEqual([]);
    // Terraform's service discovery, on the same /.well-known prefix, is untouched.
    expect((await call('/.well-known/terraform.json', { token: null })).json()).toHaveProperty('modules.v1');
  });

  it('mints a run phase token that verifies against the published keys with its issuer and audience', async () => {
    const minted = await mint();
    const payload = await verify(minted.token);
    expect(payload).toMatchObject({
      iss: platform.url,
      aud: 'sts.amazonaws.com',
      sub: 'organization:acme:workspace:net:run_phase:apply',
      strata_organization: 'acme',
      strata_workspace: 'net',
      strata_run_id: 'run-0001',
      strata_run_phase: 'apply',
      jti: minted.jti,
    });
    // The default lifetime (STRATA_WORKLOAD_TOKEN_MINUTES=60), valid from the moment it was issued.
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(payload.nbf).toBe(payload.iat);
    expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(30);
    expect(decodeProtectedHeader(minted.token)).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: minted.kid });
    expect(await publishedKids()).toEqual([minted.kid]);
    // A second mint: a new token (jti) from the same key.
    const again = await mint({ phase: 'plan', audience: DEFAULT_AUDIENCES.azure });
    expect(again.jti).not.toBe(minted.jti);
    expect(again.kid).toBe(minted.kid);
    expect((await verify(again.token, DEFAULT_AUDIENCES.azure)).sub).toBe('organization:acme:workspace:net:run_phase:plan');
  });

  it('refuses a token for another audience, an expired one, a forged one and one from another issuer', async () => {
    const minted = await mint();
    await expect(verify(minted.token, DEFAULT_AUDIENCES.azure)).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
    await expect(verify(minted.token, undefined, new Date(minted.expiresAt.getTime() + 1000))).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
    // Still good a moment before it expires.
    expect((await verify(minted.token, undefined, new Date(minted.expiresAt.getTime() - 1000))).jti).toBe(minted.jti);
    const [header, payload, signature] = minted.token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'organization:acme:workspace:prod:run_phase:apply' })).toString('base64url')}.${signature}`;
    await expect(verify(forged)).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    const keys = createRemoteJWKSet(new URL(jwksUri));
    await expect(jwtVerify(minted.token, keys, { issuer: 'https://elsewhere.example', audience: DEFAULT_AUDIENCES.aws })).rejects.toMatchObject({ claim: 'iss' });
  });

  it('keeps private keys sealed with the master key and publishes only public halves', async () => {
    const rows = await platform.db('workload_identity_keys').select('*');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.public_jwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: row.kid });
      expect(row.public_jwk).not.toHaveProperty('d');
      expect(Object.keys(row.private_key_sealed).sort()).toEqual(['ct', 'iv', 'kid', 'tag', 'v', 'wk']);
      expect(JSON.parse(secrets.open(row.private_key_sealed, `workload-identity-key:${row.kid}`))).toHaveProperty('d');
      // Bound to its own row: it does not open as another key's.
      expect(() => secrets.open(row.private_key_sealed, 'workload-identity-key:other')).toThrow();
    }
    const jwks = (await call('/.well-known/jwks.json', { token: null })).body.toString();
    expect(jwks).not.toMatch(/"(d|p|q|dp|dq|qi)"/);
  });

  it('rotates: a successor is published before it signs, and a retired key verifies its tokens until they expire, then leaves the JWKS', async () => {
    const first = await mint();
    const k1 = first.kid;
    // Time passes, through the key rows: K1 was made eight days ago and is due for retirement.
    await platform.db('workload_identity_keys').where({ kid: k1 }).update({ created_at: minutesAgo(8 * 24 * 60), retire_after: minutesAgo(24 * 60) });

    // The next mint makes K2 and publishes it, but K1 signs until K2 has been published long enough for every
    // JWKS cache to have it.
    const during = await mint();
    const kids = await publishedKids();
    expect(kids).toHaveLength(2);
    const k2 = kids.find((k) => k !== k1)!;
    expect(during.kid).toBe(k1);
    await expect(verify(during.token)).resolves.toMatchObject({ jti: during.jti });

    // K2 has been published for ten minutes: it signs now. Both keys are published; every token verifies.
    await platform.db('workload_identity_keys').where({ kid: k2 }).update({ created_at: minutesAgo(10) });
    const after = await mint();
    expect(after.kid).toBe(k2);
    expect(await publishedKids()).toEqual([k2, k1]);
    for (const t of [first, during, after]) await expect(verify(t.token)).resolves.toMatchObject({ jti: t.jti });
    // K1's tokens are still valid, so it stays for as long as the last of them (the one signed after its retirement).
    const k1Row = await platform.db('workload_identity_keys').where({ kid: k1 }).first();
    expect(k1Row.expires_at.getTime()).toBeGreaterThanOrEqual(during.expiresAt.getTime());

    // The last token K1 signed has expired: K1 leaves the key set (the next mint deletes it), and its tokens no
    // longer verify while K2's still do.
    await platform.db('workload_identity_keys').where({ kid: k1 }).update({ expires_at: minutesAgo(1) });
    await mint();
    expect(await publishedKids()).toEqual([k2]);
    expect(await platform.db('workload_identity_keys').where({ kid: k1 }).first()).toBeUndefined();
    await expect(verify(first.token)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    await expect(verify(after.token)).resolves.toMatchObject({ jti: after.jti });
  });

  it('makes one successor when several workers mint at once as rotation falls due', async () => {
    await platform.db('workload_identity_keys').update({ created_at: minutesAgo(8 * 24 * 60), retire_after: minutesAgo(1) });
    const before = await platform.db('workload_identity_keys').pluck('kid');
    const minted = await Promise.all(Array.from({ length: 6 }, (_, i) => mint({ runId: `run-${i}` })));
    const after = await platform.db('workload_identity_keys').pluck('kid');
    expect(after.filter((k) => !before.includes(k))).toHaveLength(1);
    for (const t of minted) await expect(verify(t.token)).resolves.toMatchObject({ jti: t.jti });
  });

  it('serves the key set with a short max-age and the metadata with a long one', async () => {
    const jwks = await call('/.well-known/jwks.json', { token: null });
    expect(jwks.headers['cache-control']).toBe('public, max-age=10');
    const doc = await call('/.well-known/openid-configuration', { token: null });
    expect(doc.headers['cache-control']).toBe('public, max-age=3600');
    const head = await call('/.well-known/jwks.json', { token: null, method: 'HEAD' });
    expect(head.status).toBe(200);
  });
});

// moto answers AssumeRoleWithWebIdentity without looking at the token (signature, issuer, audience) or the role
// (it need not exist): this proves the call, the request and response shapes and that the credentials work, not
// AWS's trust decision, which the jose checks above stand in for.
describe('AWS: AssumeRoleWithWebIdentity against a real STS implementation (moto)', () => {
  it('exchanges a run token for temporary credentials that act as the assumed role', async () => {
    const minted = await mint({ runId: 'run-aws-1', phase: 'plan' });
    const sessionName = awsSessionName({ runId: 'run-aws-1', phase: 'plan' });
    const creds = await exchangeAwsWebIdentity({
      roleArn: 'arn:aws:iam::123456789012:role/strata-deploy',
      token: minted.token,
      region: moto.region,
      endpoint: moto.endpoint,
      sessionName,
      durationSeconds: 900,
    });
    expect(creds.accessKeyId).toMatch(/^ASIA/);
    expect(creds.secretAccessKey.length).toBeGreaterThan(20);
    expect(creds.sessionToken.length).toBeGreaterThan(20);
    expect(creds.expiration.getTime()).toBeGreaterThan(Date.now());
    expect(creds.expiration.getTime()).toBeLessThanOrEqual(Date.now() + 901_000);
    expect(creds.assumedRoleArn).toBe(`arn:aws:sts::123456789012:assumed-role/strata-deploy/${sessionName}`);
    // The credentials work: STS says who they are.
    const sts = new STSClient({ region: moto.region, endpoint: moto.endpoint, credentials: creds });
    try {
      expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(creds.assumedRoleArn);
    } finally {
      sts.destroy();
    }
  });

});
