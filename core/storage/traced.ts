import { activeTracing, inSpan } from '../observability/tracing';
import type { BlobStorage } from './storage';

/**
 * The storage with a span around each call that moves or finds bytes, when tracing is on (the spans join the
 * request's or activity's trace); off, the storage itself, untouched. A `get` span ends when the stream is open
 * (the bytes flow after, through whoever reads it).
 */
export function traced(storage: BlobStorage): BlobStorage {
  if (!activeTracing()) return storage;
  const span = <T>(op: string, key: string, fn: () => Promise<T>) => inSpan(`storage ${op}`, { 'strata.storage.op': op, 'strata.storage.key': key }, fn);
  return {
    capabilities: storage.capabilities,
    put: (key, body, options) => span('put', key, () => storage.put(key, body, options)),
    get: (key, options) => span('get', key, () => storage.get(key, options)),
    stat: (key) => span('stat', key, () => storage.stat(key)),
    delete: (key) => span('delete', key, () => storage.delete(key)),
    copy: (from, to) => span('copy', to, () => storage.copy(from, to)),
    signedUrl: (key, options) => storage.signedUrl(key, options),
    deleteOlderThan: (prefix, before) => span('deleteOlderThan', prefix, () => storage.deleteOlderThan(prefix, before)),
  };
}
