import { ApiError, type ApiClient } from './api';
import { runTone } from './runs-api';
import type { Deployment } from './types';

const seg = encodeURIComponent;

/** What the deployments list can be narrowed to; `tag` is `key=value`. */
export interface DeploymentFilter {
  environment?: string;
  status?: string;
  plugin?: string;
  tag?: string;
}

/** Whether a deployment matches a filter (the server filters too; this keeps a list consistent with its filter). */
export function matchesFilter(d: Deployment, f: DeploymentFilter): boolean {
  if (f.environment && d.environment !== f.environment) return false;
  if (f.status && d.status !== f.status) return false;
  if (f.plugin && d.plugin !== f.plugin) return false;
  if (f.tag) {
    const at = f.tag.indexOf('=');
    const [key, value] = at < 0 ? [f.tag, null] : [f.tag.slice(0, at), f.tag.slice(at + 1)];
    if (!(key.trim() in d.tags)) return false;
    if (value !== null && d.tags[key.trim()] !== value.trim()) return false;
  }
  return true;
}

/** Plugin deployments: Pulumi stacks, each a workspace of engine `pulumi` whose runs are the runs API's. */
export class DeploymentsApi {
  constructor(private readonly client: ApiClient) {}

  async list(org: string, filter: DeploymentFilter = {}, signal?: AbortSignal): Promise<Deployment[]> {
    const query = { environment: filter.environment, status: filter.status, plugin: filter.plugin, tag: filter.tag?.trim() };
    const items = (await this.client.request<{ items: Deployment[] }>('GET', `/api/v1/orgs/${seg(org)}/deployments`, { query, signal })).items;
    return items.filter((d) => matchesFilter(d, filter));
  }

  /** One deployment by id (a deployment's id is its workspace's); found in its organisation's list on a server without `GET /deployments/{id}`. */
  async get(org: string, id: string, signal?: AbortSignal): Promise<Deployment | null> {
    try {
      return await this.client.request<Deployment>('GET', `/api/v1/deployments/${seg(id)}`, { signal });
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) throw err;
      return (await this.list(org, {}, signal)).find((d) => d.id === id) ?? null;
    }
  }
}

/** What a deployment's status looks like in a badge: `deployed` and `failed` are its own words, the rest a run's. */
export function deploymentTone(status: string): 'ok' | 'bad' | 'warn' | 'run' | 'neutral' {
  if (status === 'deployed') return 'ok';
  if (status === 'failed') return 'bad';
  if (status === 'destroyed' || status === 'new') return 'neutral';
  return runTone(status);
}
