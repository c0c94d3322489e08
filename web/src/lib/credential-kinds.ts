import type { CredentialKind } from './types';

/** A form field of a credential kind. Secret fields are write-only: the page never shows a stored value. */
export interface KindField {
  name: string;
  label: string;
  secret: boolean;
  optional?: boolean;
  multiline?: boolean;
  placeholder?: string;
}

/**
 * The create form of each kind: the API's `secret` and `settings` field names (core/credentials/kinds.ts is the
 * server's registry; this is the dashboard's view of it).
 */
export const KIND_FORMS: Record<CredentialKind, { label: string; fields: KindField[] }> = {
  aws: {
    label: 'AWS',
    fields: [
      { name: 'accessKeyId', label: 'Access key ID', secret: true, placeholder: 'AKIA…' },
      { name: 'secretAccessKey', label: 'Secret access key', secret: true },
      { name: 'sessionToken', label: 'Session token', secret: true, optional: true },
      { name: 'region', label: 'Region', secret: false, optional: true, placeholder: 'us-east-1' },
      { name: 'roleArn', label: 'Role to assume', secret: false, optional: true, placeholder: 'arn:aws:iam::123456789012:role/deployer' },
      { name: 'endpoint', label: 'Endpoint', secret: false, optional: true, placeholder: 'https://sts.example.internal' },
    ],
  },
  azure: {
    label: 'Azure',
    fields: [
      { name: 'tenantId', label: 'Tenant ID', secret: true },
      { name: 'clientId', label: 'Client ID', secret: true },
      { name: 'clientSecret', label: 'Client secret', secret: true },
      { name: 'subscriptionId', label: 'Subscription ID', secret: true },
      { name: 'endpoint', label: 'Endpoint', secret: false, optional: true },
    ],
  },
  gcp: {
    label: 'Google Cloud',
    fields: [
      { name: 'serviceAccountJson', label: 'Service-account key (JSON)', secret: true, multiline: true },
      { name: 'project', label: 'Project', secret: false, optional: true, placeholder: 'the key file’s project' },
      { name: 'endpoint', label: 'Endpoint', secret: false, optional: true },
    ],
  },
  digitalocean: { label: 'DigitalOcean', fields: [{ name: 'token', label: 'API token', secret: true }, { name: 'endpoint', label: 'Endpoint', secret: false, optional: true }] },
  hetzner: { label: 'Hetzner Cloud', fields: [{ name: 'token', label: 'API token', secret: true }, { name: 'endpoint', label: 'Endpoint', secret: false, optional: true }] },
};

/** Splits the form's values into the API's `secret` and `settings`, leaving out empty optional fields. */
export function credentialBody(kind: CredentialKind, values: Record<string, string>): { secret: Record<string, string>; settings: Record<string, string> } {
  const secret: Record<string, string> = {};
  const settings: Record<string, string> = {};
  for (const f of KIND_FORMS[kind].fields) {
    const v = (values[f.name] ?? '').trim();
    if (!v && f.optional) continue;
    (f.secret ? secret : settings)[f.name] = f.multiline ? (values[f.name] ?? '') : v;
  }
  return { secret, settings };
}

/** What the cloud said about the identity, as one line. */
export function describeIdentity(identity: Record<string, string> | undefined): string {
  if (!identity) return '';
  return Object.entries(identity)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}: ${v}`)
    .join(' · ');
}
