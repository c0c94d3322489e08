import { describe, expect, it } from 'vitest';
import { ExpiredTokenException, IDPCommunicationErrorException, InvalidIdentityTokenException, STSServiceException } from '@aws-sdk/client-sts';
import { AwsExchangeError, awsSessionName, exchangeAwsWebIdentity, stsExchangeError } from './aws';
import { azureFederatedEnv, gcpAudience, gcpFederatedEnv, gcpProviderResource } from './federated-env';

describe('Azure federation', () => {
  it('gives the azurerm provider its OIDC mode with the token and the app, tenant and subscription', () => {
    expect(azureFederatedEnv({ token: 'eyJ.t.s', tenantId: 'tid', clientId: 'cid', subscriptionId: 'sid' })).toEqual({
      ARM_USE_OIDC: 'true',
      ARM_OIDC_TOKEN: 'eyJ.t.s',
      ARM_CLIENT_ID: 'cid',
      ARM_TENANT_ID: 'tid',
      ARM_SUBSCRIPTION_ID: 'sid',
    });
  });
});

describe('GCP federation', () => {
  const providerResource = gcpProviderResource({ projectNumber: '123456789', poolId: 'strata', providerId: 'runs' });

  it('names the pool provider, and the audience it accepts by default', () => {
    expect(providerResource).toBe('//iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/strata/providers/runs');
    expect(gcpAudience(providerResource)).toBe('https://iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/strata/providers/runs');
  });

  it('writes the token to a file and an external_account configuration that reads it, for Application Default Credentials', () => {
    const out = gcpFederatedEnv({ token: 'eyJ.t.s', providerResource, serviceAccountEmail: 'deploy@proj.iam.gserviceaccount.com', project: 'proj', dir: '/run/x' });
    expect(out.env).toEqual({ GOOGLE_APPLICATION_CREDENTIALS: '/run/x/gcp-credential-config.json', GOOGLE_PROJECT: 'proj', GOOGLE_CLOUD_PROJECT: 'proj' });
    const token = out.files.find((f) => f.path === '/run/x/gcp-workload-token.jwt');
    expect(token).toEqual({ path: '/run/x/gcp-workload-token.jwt', contents: 'eyJ.t.s', mode: 0o600 });
    const config = JSON.parse(out.files.find((f) => f.path === '/run/x/gcp-credential-config.json')!.contents);
    expect(config).toEqual({
      type: 'external_account',
      audience: providerResource,
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      token_url: 'https://sts.googleapis.com/v1/token',
      service_account_impersonation_url: 'https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/deploy@proj.iam.gserviceaccount.com:generateAccessToken',
      credential_source: { file: '/run/x/gcp-workload-token.jwt', format: { type: 'text' } },
    });
    // The token is in its own file, not in the configuration or the environment.
    expect(JSON.stringify(config)).not.toContain('eyJ.t.s');
    expect(JSON.stringify(out.env)).not.toContain('eyJ.t.s');
  });

  it('uses the federated identity directly when no service account is named', () => {
    const out = gcpFederatedEnv({ token: 't', providerResource, dir: '/d' });
    expect(out.env).toEqual({ GOOGLE_APPLICATION_CREDENTIALS: '/d/gcp-credential-config.json' });
    expect(JSON.parse(out.files[1]!.contents)).not.toHaveProperty('service_account_impersonation_url');
  });
});

describe('AWS web identity', () => {
  it('makes a role session name STS accepts from the run', () => {
    expect(awsSessionName({ runId: '7f1c0d2e-1111-4222-8333-944455556666', phase: 'apply' })).toBe('strata-apply-7f1c0d2e-1111-4222-8333-944455556666');
    const odd = awsSessionName({ runId: `a/b c${'x'.repeat(80)}`, phase: 'plan' });
    expect(odd).toMatch(/^[\w+=,.@-]{2,64}$/);
    expect(odd.startsWith('strata-plan-a-b-c')).toBe(true);
  });

  it('reports an STS it cannot reach as retryable, not as a refusal', async () => {
    // Port 1 on loopback: refused at once, no server involved.
    const err = await exchangeAwsWebIdentity({ roleArn: 'arn:aws:iam::123456789012:role/r', token: 't', region: 'us-east-1', endpoint: 'http://127.0.0.1:1', sessionName: 'strata-plan-x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsExchangeError);
    expect(err).toMatchObject({ retryable: true });
    expect((err as Error).message).toMatch(/could not be reached/);
  });

  it("tells STS's refusals from failures worth another try", () => {
    const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });
    const refused = stsExchangeError(new InvalidIdentityTokenException({ message: 'Incorrect token audience', ...meta(400) }));
    expect(refused).toMatchObject({ code: 'InvalidIdentityTokenException', retryable: false });
    expect(refused.message).toBe('STS refused AssumeRoleWithWebIdentity (InvalidIdentityTokenException): Incorrect token audience');
    expect(stsExchangeError(new ExpiredTokenException({ message: 'Token expired', ...meta(400) }))).toMatchObject({ code: 'ExpiredTokenException', retryable: false });
    const denied = new STSServiceException({ name: 'AccessDenied', $fault: 'client', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity', ...meta(403) });
    expect(stsExchangeError(denied)).toMatchObject({ code: 'AccessDenied', retryable: false });
    expect(stsExchangeError(new IDPCommunicationErrorException({ message: 'could not reach the issuer', ...meta(400) }))).toMatchObject({ retryable: true });
    const throttled = new STSServiceException({ name: 'Throttling', $fault: 'client', message: 'Rate exceeded', ...meta(400) });
    expect(stsExchangeError(throttled)).toMatchObject({ retryable: true });
    const unavailable = new STSServiceException({ name: 'InternalFailure', $fault: 'server', message: 'oops', ...meta(500) });
    expect(stsExchangeError(unavailable)).toMatchObject({ retryable: true });
  });
});
