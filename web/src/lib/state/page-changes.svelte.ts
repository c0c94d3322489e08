import { asApiError, type ApiError } from '../api';

/**
 * A management page's changes (add a member, create a team, toggle a visibility): one at a time, each followed by
 * reloading what the page shows; the last refusal is kept for the page to explain. `busy` disables the buttons.
 */
export class PageChanges {
  busy = $state(false);
  failure = $state<ApiError | null>(null);

  constructor(
    private readonly after: () => Promise<unknown>,
    private readonly onRefused?: () => void,
  ) {}

  /** Runs one change; true when it (and the reload after it) went through. */
  async run(work: () => Promise<unknown>): Promise<boolean> {
    this.failure = null;
    this.busy = true;
    try {
      await work();
      await this.after();
      return true;
    } catch (err) {
      this.failure = asApiError(err);
      this.onRefused?.();
      return false;
    } finally {
      this.busy = false;
    }
  }
}
