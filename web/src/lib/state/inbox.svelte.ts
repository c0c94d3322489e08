import { errorMessage } from '../api';
import type { InboxItem } from '../types';
import { notifications } from './session.svelte';

/**
 * The signed-in person's in-app notifications for the header's bell: the unread count and the newest items,
 * kept current by the API's live stream (`event: inbox` after every change; the browser reconnects by itself).
 */
export class InboxState {
  unread = $state(0);
  items = $state<InboxItem[]>([]);
  loaded = $state(false);
  failure = $state<string | null>(null);
  private source: EventSource | null = null;

  /** Opens the live stream (idempotent); returns the function that closes it. */
  connect(): () => void {
    if (!this.source) {
      const source = new EventSource(notifications.eventsUrl());
      this.source = source;
      source.addEventListener('inbox', (e) => {
        const data = JSON.parse((e as MessageEvent<string>).data) as { unread: number; latest: InboxItem | null };
        this.unread = data.unread;
        // A new notification goes on top of a list that is already shown.
        if (data.latest && this.loaded && !this.items.some((i) => i.id === data.latest!.id)) this.items = [data.latest, ...this.items].slice(0, 20);
      });
    }
    return () => this.disconnect();
  }

  disconnect(): void {
    this.source?.close();
    this.source = null;
  }

  async load(): Promise<void> {
    try {
      const inbox = await notifications.inbox({ limit: 20 });
      this.items = inbox.items;
      this.unread = inbox.unread;
      this.loaded = true;
      this.failure = null;
    } catch (err) {
      this.failure = errorMessage(err);
    }
  }

  async markRead(item: InboxItem): Promise<void> {
    if (item.read) return;
    await this.act(() => notifications.markRead(item.id));
    this.items = this.items.map((i) => (i.id === item.id ? { ...i, read: true } : i));
  }

  async markAllRead(): Promise<void> {
    await this.act(() => notifications.markAllRead());
    this.items = this.items.map((i) => ({ ...i, read: true }));
  }

  async remove(item: InboxItem): Promise<void> {
    await this.act(() => notifications.remove(item.id));
    this.items = this.items.filter((i) => i.id !== item.id);
  }

  private async act(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
      this.failure = null;
    } catch (err) {
      this.failure = errorMessage(err);
      throw err;
    }
  }
}

export const inbox = new InboxState();
