import { jsonBody, type ApiClient } from './api';
import type { PluginAccessRequest, PluginDetail, PluginSummary, PluginVersion } from './types';

const seg = encodeURIComponent;
const base = (org: string) => `/api/v1/orgs/${seg(org)}/plugins`;
const pluginPath = (org: string, name: string) => `${base(org)}/${seg(name)}`;

/** What the deploy form sends (`POST /api/v1/orgs/{org}/deployments`). */
export interface DeploymentInput {
  plugin: string;
  version: string;
  stack: string;
  environment: string;
  inputs: Record<string, unknown>;
  tags: Record<string, string>;
}

/** An organisation's Pulumi plugin catalogue, its access requests and deployments. */
export class PluginsApi {
  constructor(private readonly client: ApiClient) {}

  async list(org: string, q: string, signal?: AbortSignal): Promise<PluginSummary[]> {
    return (await this.client.request<{ items: PluginSummary[] }>('GET', base(org), { query: { q }, signal })).items;
  }

  get(org: string, name: string, signal?: AbortSignal): Promise<PluginDetail> {
    return this.client.request('GET', pluginPath(org, name), { signal });
  }

  version(org: string, name: string, version: string, signal?: AbortSignal): Promise<PluginVersion> {
    return this.client.request('GET', `${pluginPath(org, name)}/versions/${seg(version)}`, { signal });
  }

  setLocked(org: string, name: string, locked: boolean): Promise<PluginDetail> {
    return this.client.request('POST', `${pluginPath(org, name)}/${locked ? 'lock' : 'unlock'}`);
  }

  requestAccess(org: string, name: string, reason: string): Promise<PluginAccessRequest> {
    return this.client.request('POST', `${pluginPath(org, name)}/access-requests`, jsonBody(reason ? { reason } : {}));
  }

  async accessRequests(org: string, name: string, signal?: AbortSignal): Promise<PluginAccessRequest[]> {
    return (await this.client.request<{ items: PluginAccessRequest[] }>('GET', `${pluginPath(org, name)}/access-requests`, { signal })).items;
  }

  decide(org: string, name: string, id: string, decision: 'approve' | 'reject' | 'revoke'): Promise<PluginAccessRequest> {
    return this.client.request('POST', `${pluginPath(org, name)}/access-requests/${seg(id)}/${decision}`);
  }

  deploy(org: string, input: DeploymentInput): Promise<{ id: string; runId?: string; workflowId: string; statusUrl: string }> {
    return this.client.request('POST', `/api/v1/orgs/${seg(org)}/deployments`, jsonBody(input));
  }
}
