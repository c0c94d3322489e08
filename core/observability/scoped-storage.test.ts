import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { ScopedStorage } from './scoped-storage';

describe('ScopedStorage', () => {
  it('disables its storage only when the last of overlapping runs has settled, also when one fails', async () => {
    const events: string[] = [];
    const scope = new ScopedStorage({ disable: () => events.push('disable') });
    let finishFirst!: () => void;
    const first = scope.run(() => new Promise<void>((r) => (finishFirst = r)));
    const second = scope.run(async () => {
      throw new Error('boom');
    });
    await expect(second).rejects.toThrow('boom');
    expect(events).toEqual([]);
    finishFirst();
    await first;
    expect(events).toEqual(['disable']);
  });

  it('keeps each run’s store across awaits while another run is open, and none outside any run', async () => {
    const storage = new AsyncLocalStorage<string>();
    const scope = new ScopedStorage(storage);
    const seen: (string | undefined)[] = [];
    let release!: () => void;
    const held = scope.run(() => storage.run('a', () => new Promise<void>((r) => (release = r))));
    await scope.run(() =>
      storage.run('b', async () => {
        await new Promise((r) => setTimeout(r, 2));
        seen.push(storage.getStore());
      }),
    );
    seen.push(storage.getStore());
    release();
    await held;
    seen.push(storage.getStore());
    expect(seen).toEqual(['b', undefined, undefined]);
  });
});
