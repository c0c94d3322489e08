/**
 * Domain errors. Anything thrown with one of these classes is a client's mistake and is mapped by the API's
 * error middleware to its status and `{ "error": { "code", "message" } }`. Anything else is a bug or an
 * outage and becomes a bare 500.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class Invalid extends DomainError {
  constructor(message: string, code = 'invalid_request') {
    super(400, code, message);
  }
}

export class Unauthorized extends DomainError {
  constructor(message = 'a valid API token is required', code = 'unauthorized') {
    super(401, code, message);
  }
}

export class Forbidden extends DomainError {
  constructor(message: string, code = 'forbidden') {
    super(403, code, message);
  }
}

export class NotFound extends DomainError {
  constructor(message: string, code = 'not_found') {
    super(404, code, message);
  }
}

export class Conflict extends DomainError {
  constructor(message: string, code = 'conflict') {
    super(409, code, message);
  }
}

export class PayloadTooLarge extends DomainError {
  constructor(message: string, code = 'payload_too_large') {
    super(413, code, message);
  }
}

export class UnsupportedMediaType extends DomainError {
  constructor(message: string, code = 'unsupported_media_type') {
    super(415, code, message);
  }
}

/** A rejected archive or release file: traversal, links, bombs, bad layout, bad hashes or signatures. */
export class InvalidArtifact extends DomainError {
  constructor(message: string, code = 'invalid_artifact') {
    super(422, code, message);
  }
}

/** A published version is immutable: a second publish of it is refused, never overwritten. */
export function versionExists(artifact: string, version: string): Conflict {
  return new Conflict(`${artifact} ${version} is already published; versions are immutable`, 'version_exists');
}
