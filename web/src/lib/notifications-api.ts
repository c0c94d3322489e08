import { jsonBody, queryString, type ApiClient } from './api';
import type { ActionLinkView, Inbox, NotificationPreference, PreferenceSet } from './types';

const seg = encodeURIComponent;

/** The inbox, notification preferences and action links (approve from the inbox). */
export class NotificationsApi {
  constructor(
    private readonly client: ApiClient,
    private readonly token: () => string | null,
  ) {}

  inbox(query: { unread?: boolean; limit?: number } = {}): Promise<Inbox> {
    return this.client.request('GET', `/api/v1/me/notifications${queryString({ unread: query.unread ? 'true' : undefined, limit: query.limit })}`);
  }

  /** The live stream of inbox changes (a pasted token travels in the query: EventSource sends no headers). */
  eventsUrl(): string {
    return `/api/v1/me/notifications/events${queryString({ token: this.token() })}`;
  }

  markRead(id: string): Promise<void> {
    return this.client.request('POST', `/api/v1/me/notifications/${seg(id)}/read`);
  }

  markAllRead(): Promise<{ updated: number }> {
    return this.client.request('POST', '/api/v1/me/notifications/read-all');
  }

  remove(id: string): Promise<void> {
    return this.client.request('DELETE', `/api/v1/me/notifications/${seg(id)}`);
  }

  preferences(): Promise<PreferenceSet> {
    return this.client.request('GET', '/api/v1/me/notification-preferences');
  }

  savePreferences(preferences: NotificationPreference[]): Promise<PreferenceSet> {
    return this.client.request('PUT', '/api/v1/me/notification-preferences', jsonBody({ preferences }));
  }

  describeAction(token: string): Promise<ActionLinkView> {
    return this.client.request('GET', `/api/v1/action-links/${seg(token)}`);
  }

  confirmAction(token: string): Promise<{ action: string; runId: string; done: true }> {
    return this.client.request('POST', `/api/v1/action-links/${seg(token)}/confirm`);
  }
}
