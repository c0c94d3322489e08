import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { addMember, createOrg, createUser, json, signIn, userToken } from '../identity/session-helpers';

// Bad input to the credentials API, on a platform with the default network policy (no private networks): each
// refusal is a 4xx with a clear message and an audit entry, and nothing is stored.
let platform: Platform;
let call: ReturnType<typeof clientFor>;
let admin: string;
let reader: string;
let orgId: string;

beforeAll(async () => {
  platform = await startPlatform();
  call = clientFor(platform);
  const alice = await createUser(call, 'alice@acme.test');
  const bob = await createUser(call, 'bob@acme.test');
  admin = await userToken(call, await signIn(call, alice.email, alice.password));
  await createOrg(call, admin, 'acme');
  await addMember(call, admin, 'acme', bob.email, 'reader');
  reader = await userToken(call, await signIn(call, bob.email, bob.password));
  orgId = (await platform.db('organizations').where({ name: 'acme' }).first()).id;
});

afterAll(async () => {
  await platform?.close();
});

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const saKey = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'service_account', project_id: 'acme-infra-42', private_key_id: 'abc123', private_key: pem, client_email: 'ci@acme-infra-42.iam.gserviceaccount.com', token_uri: 'https://oauth2.googleapis.com/token', ...over });
const aws = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

const cases: { what: string; body: unknown; status: number; code: string; message: RegExp; token?: () => string }[] = [
  { what: 'an unknown kind', body: { name: 'c', kind: 'oracle', secret: { token: 'x' } }, status: 400, code: 'credential_invalid', message: /unknown credential kind "oracle"; use one of aws, azure, gcp, digitalocean, hetzner/ },
  { what: 'a missing secret field', body: { name: 'c', kind: 'aws', secret: { accessKeyId: aws.accessKeyId } }, status: 400, code: 'credential_invalid', message: /secret\.secretAccessKey is required/ },
  {
    what: 'missing Azure fields',
    body: { name: 'c', kind: 'azure', secret: { clientId: 'a', clientSecret: 'b' } },
    status: 400,
    code: 'credential_invalid',
    message: /secret\.tenantId is required; secret\.subscriptionId is required/,
  },
  { what: 'an extra secret field', body: { name: 'c', kind: 'hetzner', secret: { token: 'x', password: 'y' } }, status: 400, code: 'credential_invalid', message: /secret has unknown field\(s\) password/ },
  { what: 'a setting the kind does not take', body: { name: 'c', kind: 'digitalocean', secret: { token: 'x' }, settings: { region: 'us-east-1' } }, status: 400, code: 'credential_invalid', message: /settings has unknown field\(s\) region/ },
  { what: 'an extra top-level field', body: { name: 'c', kind: 'hetzner', secret: { token: 'x' }, owner: 'me' }, status: 400, code: 'invalid_request', message: /owner/ },
  { what: 'a service-account JSON that is not JSON', body: { name: 'c', kind: 'gcp', secret: { serviceAccountJson: '{"type": "service_account",' } }, status: 400, code: 'credential_invalid', message: /serviceAccountJson is not valid JSON/ },
  { what: 'a JSON that is not a service-account key', body: { name: 'c', kind: 'gcp', secret: { serviceAccountJson: saKey({ type: 'authorized_user' }) } }, status: 400, code: 'credential_invalid', message: /type must be "service_account"/ },
  { what: 'a key file without its private key', body: { name: 'c', kind: 'gcp', secret: { serviceAccountJson: saKey({ private_key: 'not a key' }) } }, status: 400, code: 'credential_invalid', message: /private_key is not an RSA private key/ },
  {
    what: 'an endpoint on loopback without the setting',
    body: { name: 'c', kind: 'aws', secret: aws, settings: { endpoint: 'https://127.0.0.1:4566' } },
    status: 400,
    code: 'credential_endpoint_forbidden',
    message: /settings\.endpoint https:\/\/127\.0\.0\.1:4566 is on a loopback, link-local or private network .*STRATA_ALLOW_PRIVATE_NETWORKS=true/,
  },
  { what: 'the cloud metadata address as endpoint', body: { name: 'c', kind: 'hetzner', secret: { token: 'x' }, settings: { endpoint: 'https://169.254.169.254' } }, status: 400, code: 'credential_endpoint_forbidden', message: /private network/ },
  { what: 'a plain-http endpoint', body: { name: 'c', kind: 'digitalocean', secret: { token: 'x' }, settings: { endpoint: 'http://93.184.216.34' } }, status: 400, code: 'credential_endpoint_forbidden', message: /plain http/ },
  { what: 'a key file whose token_uri is private', body: { name: 'c', kind: 'gcp', secret: { serviceAccountJson: saKey({ token_uri: 'https://10.1.2.3/token' }) } }, status: 400, code: 'credential_endpoint_forbidden', message: /token_uri/ },
  { what: 'a reader creating one', body: { name: 'c', kind: 'hetzner', secret: { token: 'x' } }, status: 403, code: 'forbidden', message: /credential\.manage/, token: () => reader },
];

describe('refused credentials are 4xx with a clear message, audited, and store nothing', () => {
  it.each(cases)('$what', async ({ body, status, code, message, token }) => {
    const auditBefore = await platform.db('audit_log').where({ action: 'credential.create' }).count({ n: '*' });
    const res = await call('/api/v1/orgs/acme/credentials', { method: 'POST', token: token?.() ?? admin, headers: json, body: JSON.stringify(body) });
    expect(res.status, res.body.toString()).toBe(status);
    expect(res.json().error.code).toBe(code);
    expect(res.json().error.message).toMatch(message);
    // Never the secret in the answer.
    expect(res.body.toString()).not.toContain(aws.secretAccessKey);
    expect(res.body.toString()).not.toContain('PRIVATE KEY');

    expect(await platform.db('cloud_credentials').count({ n: '*' })).toEqual([{ n: '0' }]);
    expect(await platform.db('cloud_credential_versions').count({ n: '*' })).toEqual([{ n: '0' }]);
    const entries = await platform.db('audit_log').where({ action: 'credential.create' }).orderBy('at', 'desc');
    expect(entries.length).toBe(Number(auditBefore[0]!.n) + 1);
    expect(entries[0]).toMatchObject({ org_id: orgId, result: status === 403 ? 'denied' : 'failure', details: { code } });
    expect(JSON.stringify(entries[0])).not.toContain(aws.secretAccessKey);
  });

  it('a body that is not JSON is 415, audited', async () => {
    const res = await call('/api/v1/orgs/acme/credentials', { method: 'POST', token: admin, headers: { 'content-type': 'text/plain' }, body: 'kind=aws' });
    expect(res.status).toBe(415);
    const [last] = await platform.db('audit_log').where({ action: 'credential.create' }).orderBy('at', 'desc').limit(1);
    expect(last).toMatchObject({ result: 'failure', details: { code: 'unsupported_media_type' } });
  });

  it('an id that is not one of the organisation\'s credentials is 404 for every route', async () => {
    for (const [method, suffix, body] of [
      ['GET', '', undefined],
      ['PUT', '', { secret: { token: 'x' } }],
      ['DELETE', '', undefined],
      ['POST', '/check', undefined],
    ] as const) {
      const res = await call(`/api/v1/orgs/acme/credentials/4a4c2d9e-5f0b-4a43-8f5e-9d1c1f0b9a11${suffix}`, { method, token: admin, ...(body ? { headers: json, body: JSON.stringify(body) } : {}) });
      expect(res.status, `${method} ${suffix}`).toBe(404);
      expect(res.json().error.code).toBe('credential_not_found');
    }
    expect((await call('/api/v1/orgs/nope/credentials', { token: admin })).status).toBe(404);
  });
});
