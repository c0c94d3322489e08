/**
 * Node 20's AsyncLocalStorage tracks async context with async hooks, and once any storage has been entered the
 * hooks run for every promise and async resource the process creates, whether or not anything reads a store: on
 * the protocol fast path that was a tenth of an answer's CPU. A `ScopedStorage` enters its storage only for the
 * work that needs it and disables the storage again when the last such work has settled, so the hooks are off
 * while the process only answers cached protocol reads.
 *
 * What a scope starts without awaiting (a fire-and-forget continuation) keeps the store only while another scope
 * is still open; it never sees another scope's store.
 */
export class ScopedStorage {
  private open = 0;

  constructor(private readonly storage: { disable(): void }) {}

  async run<T>(fn: () => T | Promise<T>): Promise<T> {
    this.open++;
    try {
      return await fn();
    } finally {
      if (--this.open === 0) this.storage.disable();
    }
  }
}
