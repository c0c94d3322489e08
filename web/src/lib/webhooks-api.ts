import { jsonBody, type ApiClient } from './api';
import type { Webhook, WebhookCreated, WebhookDelivery } from './types';

const seg = encodeURIComponent;
const hooksPath = (org: string) => `/api/v1/orgs/${seg(org)}/webhooks`;
const hookPath = (org: string, id: string) => `${hooksPath(org)}/${seg(id)}`;

/** What a delivery's status looks like in a badge. */
export function deliveryTone(status: WebhookDelivery['status']): 'ok' | 'bad' | 'warn' | 'run' {
  return status === 'delivered' ? 'ok' : status === 'failed' ? 'bad' : status === 'retrying' ? 'warn' : 'run';
}

/** An organisation's outgoing webhooks, their delivery log, redelivery and test events. */
export class WebhooksApi {
  constructor(private readonly client: ApiClient) {}

  async list(org: string, signal?: AbortSignal): Promise<Webhook[]> {
    return (await this.client.request<{ items: Webhook[] }>('GET', hooksPath(org), { signal })).items;
  }

  /** The answer holds the signing secret: the only time it is shown. */
  create(org: string, input: { url: string; events: string[] }): Promise<WebhookCreated> {
    return this.client.request('POST', hooksPath(org), jsonBody(input));
  }

  update(org: string, id: string, change: { url?: string; events?: string[]; enabled?: boolean }): Promise<Webhook> {
    return this.client.request('PATCH', hookPath(org, id), jsonBody(change));
  }

  remove(org: string, id: string): Promise<void> {
    return this.client.request('DELETE', hookPath(org, id));
  }

  async deliveries(org: string, id: string, signal?: AbortSignal): Promise<WebhookDelivery[]> {
    return (await this.client.request<{ items: WebhookDelivery[] }>('GET', `${hookPath(org, id)}/deliveries`, { signal })).items;
  }

  redeliver(org: string, id: string, deliveryId: string): Promise<{ workflowId: string; deliveryId: string }> {
    return this.client.request('POST', `${hookPath(org, id)}/deliveries/${seg(deliveryId)}/redeliver`);
  }

  sendTest(org: string, id: string): Promise<{ workflowId: string; eventId: string }> {
    return this.client.request('POST', `${hookPath(org, id)}/test`);
  }
}
