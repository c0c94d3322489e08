import { ApiError } from '../api';
import type { VcsDelivery, VcsLink, VcsSyncAccepted, VcsViolation } from '../types';
import { Loader } from './loader.svelte';
import { api } from './session.svelte';

/** A module's repository link, its recent webhook deliveries and its immutability violations (moved tags). */
export class VcsModuleStore {
  readonly link = new Loader<VcsLink>();
  readonly deliveries = new Loader<VcsDelivery[]>();
  readonly violations = new Loader<VcsViolation[]>();
  sync = $state<VcsSyncAccepted | null>(null);
  syncing = $state(false);
  failure = $state<ApiError | null>(null);
  readonly address: { namespace: string; name: string; system: string };

  constructor(address: { namespace: string; name: string; system: string }) {
    this.address = address;
  }

  /** The module is not linked to a repository (as opposed to a link that could not be read). */
  notLinked: boolean = $derived(this.link.error?.code === 'vcs_link_not_found');

  /** Loads all three; `keep` leaves the current rows on screen while refreshing. */
  load(options: { keep?: boolean } = {}): void {
    void this.link.load((signal) => api.vcsLink(this.address, signal), options).then(() => {
      if (!this.link.data) return;
      void this.deliveries.load((signal) => api.vcsDeliveries(this.address, 20, signal), options);
      void this.violations.load((signal) => api.vcsViolations(this.address, 50, signal), options);
    });
  }

  /** Manual sync: publishes the release tags not published yet and checks the others for moves. */
  async startSync(): Promise<void> {
    this.failure = null;
    this.syncing = true;
    try {
      this.sync = await api.syncVcsLink(this.address);
    } catch (err) {
      this.failure = err instanceof ApiError ? err : new ApiError(0, 'client', String(err));
    } finally {
      this.syncing = false;
    }
  }
}
