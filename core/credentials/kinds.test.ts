import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { credentialEnv, parseCredential, usesWorkloadIdentity } from './kinds';

const pem = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const sa = JSON.stringify({ type: 'service_account', project_id: 'acme-infra-42', private_key_id: 'k1', private_key: pem, client_email: 'ci@acme-infra-42.iam.gserviceaccount.com' });

describe('credential kinds', () => {
  it('gives each kind the environment its Terraform provider reads', () => {
    expect(credentialEnv('aws', { accessKeyId: 'AKIA1', secretAccessKey: 's', sessionToken: 't' }, { region: 'eu-west-1' })).toEqual({
      AWS_ACCESS_KEY_ID: 'AKIA1',
      AWS_SECRET_ACCESS_KEY: 's',
      AWS_SESSION_TOKEN: 't',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
    });
    expect(credentialEnv('azure', { tenantId: 't', clientId: 'c', clientSecret: 's', subscriptionId: 'sub' }, {})).toEqual({ ARM_TENANT_ID: 't', ARM_CLIENT_ID: 'c', ARM_CLIENT_SECRET: 's', ARM_SUBSCRIPTION_ID: 'sub' });
    expect(credentialEnv('gcp', { serviceAccountJson: sa }, {})).toEqual({ GOOGLE_CREDENTIALS: sa, GOOGLE_PROJECT: 'acme-infra-42', GOOGLE_CLOUD_PROJECT: 'acme-infra-42' });
    expect(credentialEnv('gcp', { serviceAccountJson: sa }, { project: 'other-project-1' }).GOOGLE_PROJECT).toBe('other-project-1');
    expect(credentialEnv('digitalocean', { token: 'd' }, {})).toEqual({ DIGITALOCEAN_TOKEN: 'd', DIGITALOCEAN_ACCESS_TOKEN: 'd' });
    expect(credentialEnv('hetzner', { token: 'h' }, {})).toEqual({ HCLOUD_TOKEN: 'h' });
  });

  it('accepts what each kind declares and names every problem otherwise', () => {
    expect(parseCredential({ kind: 'gcp', secret: { serviceAccountJson: sa }, settings: { project: 'acme-infra-42' } })).toMatchObject({ ok: true });
    expect(parseCredential({ kind: 'aws', secret: { accessKeyId: 'a', secretAccessKey: 'b', extra: 'c' }, settings: { project: 'x' } })).toEqual({
      ok: false,
      message: 'invalid aws credential: secret has unknown field(s) extra; settings has unknown field(s) project',
    });
    expect(parseCredential({ kind: 'hetzner', secret: 'token' })).toEqual({ ok: false, message: 'invalid hetzner credential: secret must be an object' });
    expect(parseCredential({ kind: 'aws', secret: { accessKeyId: 'a', secretAccessKey: 'b' }, settings: { roleArn: 'arn:aws:iam::12:role/x' } })).toMatchObject({ ok: false, message: expect.stringContaining('settings.roleArn: roleArn must be an IAM role ARN') });
  });

  it('takes an aws credential with only a role ARN as workload identity', () => {
    const parsed = parseCredential({ kind: 'aws', secret: {}, settings: { roleArn: 'arn:aws:iam::123456789012:role/deployer' } });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(usesWorkloadIdentity(parsed.value.kind, parsed.value.secret, parsed.value.settings)).toBe(true);
    expect(credentialEnv('aws', parsed.value.secret, parsed.value.settings)).toEqual({ AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1' });
    expect(parseCredential({ kind: 'aws', secret: {} })).toMatchObject({ ok: false, message: expect.stringContaining('or settings.roleArn alone') });
  });
});
