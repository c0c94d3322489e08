/**
 * Domain errors. Each carries a *kind* (what went wrong, in the domain's words), a stable machine `code` and a
 * message for people. Only the API decides which HTTP status a kind becomes (api/middleware/error-status.ts);
 * activities turn kinds into Temporal failure types (activities/failures.ts). No HTTP status travels through
 * core code or workflow histories.
 */
export const ErrorKinds = [
  'invalid',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'locked',
  'gone',
  'too_large',
  'unsupported_media_type',
  'invalid_artifact',
  'method_not_allowed',
  'rate_limited',
  'unavailable',
  'timeout',
  'request_timeout',
  'client_closed',
] as const;
export type ErrorKind = (typeof ErrorKinds)[number];

export function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === 'string' && (ErrorKinds as readonly string[]).includes(value);
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class Invalid extends DomainError {
  constructor(message: string, code = 'invalid_request') {
    super('invalid', code, message);
  }
}

export class Unauthorized extends DomainError {
  constructor(message = 'a valid API token is required', code = 'unauthorized') {
    super('unauthorized', code, message);
  }
}

export class Forbidden extends DomainError {
  constructor(message: string, code = 'forbidden') {
    super('forbidden', code, message);
  }
}

export class NotFound extends DomainError {
  constructor(message: string, code = 'not_found') {
    super('not_found', code, message);
  }
}

export class Conflict extends DomainError {
  constructor(message: string, code = 'conflict') {
    super('conflict', code, message);
  }
}

/**
 * A resource is locked by someone else (a workspace's state lock). `holder` describes the lock as its holder
 * took it (Terraform's lock info: ID, Operation, Who, …); the API answers it beside the error, because the
 * Terraform/OpenTofu http backend reads the holder's lock info from the body of a refusal.
 */
export class Locked extends DomainError {
  constructor(
    message: string,
    readonly holder: Record<string, unknown>,
    code = 'locked',
  ) {
    super('locked', code, message);
  }
}

/** Existed, but is no longer usable (an expired link). */
export class Gone extends DomainError {
  constructor(message: string, code = 'gone') {
    super('gone', code, message);
  }
}

export class PayloadTooLarge extends DomainError {
  constructor(message: string, code = 'payload_too_large') {
    super('too_large', code, message);
  }
}

export class UnsupportedMediaType extends DomainError {
  constructor(message: string, code = 'unsupported_media_type') {
    super('unsupported_media_type', code, message);
  }
}

/** A rejected archive or release file: traversal, links, bombs, bad layout, bad hashes or signatures. */
export class InvalidArtifact extends DomainError {
  constructor(message: string, code = 'invalid_artifact') {
    super('invalid_artifact', code, message);
  }
}

/** A dependency (Temporal, a VCS provider, the store) cannot do the work now; the caller may retry later. */
export class Unavailable extends DomainError {
  constructor(
    message: string,
    code = 'unavailable',
    /** How soon a retry makes sense (the API's `Retry-After`); a dependency outage by default. */
    readonly retryAfterSeconds = 5,
  ) {
    super('unavailable', code, message);
  }
}

/** Too many requests of one kind from one principal or address; the caller may retry after `retryAfterSeconds`. */
export class RateLimited extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    code = 'rate_limited',
  ) {
    super('rate_limited', code, message);
  }
}

/** A dependency did not answer in time. */
export class TimedOut extends DomainError {
  constructor(message: string, code = 'timeout') {
    super('timeout', code, message);
  }
}

/** The client stopped sending the request body for longer than the idle limit. */
export class RequestTimedOut extends DomainError {
  constructor(message: string, code = 'request_timeout') {
    super('request_timeout', code, message);
  }
}

/** The client went away before its request was read: nothing to answer, logged as what it is (not a failure). */
export class ClientClosed extends DomainError {
  constructor(message = 'the client closed the connection before the request body was complete', code = 'client_closed') {
    super('client_closed', code, message);
  }
}

/** A published version is immutable: a second publish of it is refused, never overwritten. */
export function versionExists(artifact: string, version: string): Conflict {
  return new Conflict(`${artifact} ${version} is already published; versions are immutable`, 'version_exists');
}

// Connection-level failures: the dependency is down or restarting, not the request's fault.
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// PostgreSQL: 57P01-57P03 (admin shutdown, crash shutdown, cannot connect now), class 08 (connection exception).
const POSTGRES_UNAVAILABLE = /^(57P0[123]|08\d{3})$/;
// gRPC status codes from Temporal: 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED.
const GRPC_UNAVAILABLE = new Set([14, 4]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|Client has encountered a connection error|Timeout acquiring a connection|connection .*(closed|refused|reset)|Channel has been shut down|Failed to connect|transport (error|is closing)/i;

/**
 * The one place that recognises "a dependency (PostgreSQL, Temporal) is down" in an error, walking its causes:
 * socket errors, PostgreSQL shutdown and connection SQLSTATEs, knex pool time-outs, Temporal's gRPC UNAVAILABLE
 * (`ServiceError`, `ConnectionError`, native connection failures). Returns the `Unavailable` to answer with
 * (503, the client may retry), or null for any other error. Matches by shape, so core code needs neither driver.
 */
export function asUnavailable(err: unknown): Unavailable | null {
  if (err instanceof Unavailable) return err;
  if (err instanceof DomainError) return null;
  const seen = new Set<unknown>();
  for (let e: unknown = err; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const { code, name, message } = e as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || POSTGRES_UNAVAILABLE.test(code))) {
      return new Unavailable(`the database or the workflow service is unavailable (${code}); retry shortly`);
    }
    if (typeof code === 'number' && GRPC_UNAVAILABLE.has(code) && (name === 'ServiceError' || 'details' in e || 'metadata' in e)) {
      return new Unavailable(`the workflow service is unavailable; retry shortly`);
    }
    if (name === 'KnexTimeoutError' || name === 'ConnectionError' || name === 'TransportError') {
      return new Unavailable(`the database or the workflow service is unavailable (${String(name)}); retry shortly`);
    }
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) {
      return new Unavailable(`a dependency is unavailable (${message.slice(0, 120)}); retry shortly`);
    }
  }
  return null;
}
