import { jsonBody, type ApiClient } from './api';
import type { Accepted, CloudCredential, CloudCredentialSaved, CredentialKind } from './types';

const base = (org: string) => `/api/v1/orgs/${encodeURIComponent(org)}/credentials`;

export interface CredentialInput {
  name: string;
  kind: CredentialKind;
  secret: Record<string, string>;
  settings?: Record<string, string>;
}

/** An organisation's cloud credentials: secrets are sent, never read back. */
export class CredentialsApi {
  constructor(private readonly client: ApiClient) {}

  async list(org: string, signal?: AbortSignal): Promise<CloudCredential[]> {
    return (await this.client.request<{ items: CloudCredential[] }>('GET', base(org), { signal })).items;
  }

  create(org: string, input: CredentialInput): Promise<CloudCredentialSaved> {
    return this.client.request('POST', base(org), jsonBody(input));
  }

  /** A new secret (a new version); settings are kept unless given. */
  rotate(org: string, id: string, secret: Record<string, string>): Promise<CloudCredentialSaved> {
    return this.client.request('PUT', `${base(org)}/${encodeURIComponent(id)}`, jsonBody({ secret }));
  }

  check(org: string, id: string): Promise<Accepted> {
    return this.client.request('POST', `${base(org)}/${encodeURIComponent(id)}/check`);
  }

  remove(org: string, id: string): Promise<void> {
    return this.client.request('DELETE', `${base(org)}/${encodeURIComponent(id)}`);
  }
}
