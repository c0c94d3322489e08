import type { ErrorKind } from '../../core/errors';

/** The one place where a domain error's kind becomes an HTTP status. */
export const statusOfKind: Record<ErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  // WebDAV's Locked, which the Terraform/OpenTofu http state backend expects for a held lock.
  locked: 423,
  gone: 410,
  too_large: 413,
  unsupported_media_type: 415,
  invalid_artifact: 422,
  rate_limited: 429,
  unavailable: 503,
  timeout: 504,
  request_timeout: 408,
  // nginx's convention: the client closed the connection; the status is only ever logged.
  client_closed: 499,
};
