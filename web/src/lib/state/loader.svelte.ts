import { ApiError } from '../api';

/**
 * One piece of data a page loads: the latest request wins (earlier ones are aborted), and the error is kept
 * as an `ApiError` for the page to show in words.
 */
export class Loader<T> {
  data = $state<T | null>(null);
  error = $state<ApiError | null>(null);
  loading = $state(false);
  private controller: AbortController | null = null;

  async load(fetcher: (signal: AbortSignal) => Promise<T>, options: { keep?: boolean } = {}): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.loading = true;
    this.error = null;
    if (!options.keep) this.data = null;
    try {
      const data = await fetcher(controller.signal);
      if (controller.signal.aborted) return;
      this.data = data;
    } catch (err) {
      if (controller.signal.aborted) return;
      this.error = err instanceof ApiError ? err : new ApiError(0, 'client', err instanceof Error ? err.message : String(err));
    } finally {
      if (this.controller === controller) {
        this.loading = false;
        this.controller = null;
      }
    }
  }

  abort(): void {
    this.controller?.abort();
    this.controller = null;
    this.loading = false;
  }
}
