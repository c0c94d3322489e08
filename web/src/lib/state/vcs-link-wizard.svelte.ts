import { ApiError } from '../api';
import type { VcsConnection, VcsLink, VcsLinkCreated, VcsRepository, VcsTagPreview } from '../types';
import { moduleAddressProblems, previewTags, suggestModuleAddress, type ModuleAddress } from '../vcs';
import { Loader } from './loader.svelte';
import { api } from './session.svelte';

export const DEFAULT_TAG_PATTERN = 'v?X.Y.Z';

const asApiError = (err: unknown) => (err instanceof ApiError ? err : new ApiError(0, 'client', err instanceof Error ? err.message : String(err)));

/**
 * The "publish from a repository" wizard: connection → repository → subdirectory and tag pattern (with a preview
 * of the tags and the version each publishes) → module address → link. Then the one-time webhook secret, and the
 * link re-read as the setup workflow installs the webhook (or finds it must be pasted by hand).
 */
export class LinkWizard {
  readonly connections = new Loader<VcsConnection[]>();
  readonly repositories = new Loader<VcsRepository[]>();
  readonly tags = new Loader<VcsTagPreview[]>();
  connectionId = $state('');
  repository = $state('');
  subdirectory = $state('');
  tagPattern = $state(DEFAULT_TAG_PATTERN);
  address = $state<ModuleAddress>({ namespace: '', name: '', system: '' });
  /** Once the user edits the address it is theirs: choosing another repository no longer overwrites it. */
  addressEdited = $state(false);
  linking = $state(false);
  failure = $state<ApiError | null>(null);
  created = $state<VcsLinkCreated | null>(null);
  /** The link as last read: its webhook status changes while the setup workflow runs. */
  link = $state<VcsLink | null>(null);
  /** The repository and options the preview was made for, to tell when it no longer matches the form. */
  private previewed = $state('');

  connection: VcsConnection | null = $derived(this.connections.data?.find((c) => c.id === this.connectionId) ?? null);
  preview = $derived(this.tags.data ? previewTags(this.tags.data) : null);
  previewStale: boolean = $derived(this.previewed !== this.previewKey());
  problems = $derived(moduleAddressProblems(this.address));
  ready: boolean = $derived(Boolean(this.connection && this.repository.trim().length >= 3 && Object.keys(this.problems).length === 0));

  private previewKey(): string {
    return JSON.stringify([this.connectionId, this.repository.trim(), this.tagPattern.trim()]);
  }

  /** Loads the connections; a prefilled module address (from a module page) counts as the user's own. */
  start(prefill: Partial<ModuleAddress> = {}): void {
    if (prefill.namespace || prefill.name || prefill.system) {
      this.address = { namespace: prefill.namespace ?? '', name: prefill.name ?? '', system: prefill.system ?? '' };
      this.addressEdited = true;
    }
    void this.connections.load(async (signal) => {
      const all = await api.vcsConnections(signal);
      const usable = all.filter((c) => c.status === 'valid');
      if (!this.connectionId && usable.length === 1) this.chooseConnection(usable[0]!.id);
      return all;
    });
  }

  chooseConnection(id: string): void {
    this.connectionId = id;
    this.repositories.abort();
    this.repositories.data = null;
    this.tags.abort();
    this.tags.data = null;
    this.tags.error = null;
    if (id) void this.repositories.load((signal) => api.vcsRepositories(id, signal));
  }

  chooseRepository(name: string): void {
    this.repository = name;
    this.suggestAddress();
  }

  setSubdirectory(value: string): void {
    this.subdirectory = value;
    this.suggestAddress();
  }

  editAddress(field: keyof ModuleAddress, value: string): void {
    this.address = { ...this.address, [field]: value };
    this.addressEdited = true;
  }

  private suggestAddress(): void {
    if (!this.addressEdited && this.repository.trim()) this.address = suggestModuleAddress(this.repository.trim(), this.subdirectory);
  }

  previewTags(): void {
    const repository = this.repository.trim();
    if (!this.connectionId || repository.length < 3) return;
    this.previewed = this.previewKey();
    const pattern = this.tagPattern.trim() || undefined;
    void this.tags.load((signal) => api.vcsTags(this.connectionId, repository, pattern, signal));
  }

  async submit(): Promise<void> {
    if (!this.ready || this.linking) return;
    this.failure = null;
    this.linking = true;
    try {
      const a = this.address;
      this.created = await api.linkModule(
        { namespace: a.namespace.trim(), name: a.name.trim(), system: a.system.trim() },
        {
          connectionId: this.connectionId,
          repository: this.repository.trim(),
          subdirectory: this.subdirectory.trim() || undefined,
          tagPattern: this.tagPattern.trim() || undefined,
        },
      );
      this.link = this.created;
    } catch (err) {
      this.failure = asApiError(err);
    } finally {
      this.linking = false;
    }
  }

  /** Reads the link again (its webhook status); a failure keeps what is shown. */
  async refreshLink(): Promise<void> {
    if (!this.created) return;
    try {
      this.link = await api.vcsLink(this.created.module);
    } catch {
      // The page keeps the last known state; the module's repository tab shows it too.
    }
  }
}
