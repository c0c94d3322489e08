import type { IncomingMessage } from 'node:http';
import type { IdentityResolver } from '../../core/auth/identity-resolver';
import type { NamespaceDirectory, NamespaceInfo } from '../../core/auth/namespace-directory';
import { can } from '../../core/auth/policy';
import type { Identity } from '../../core/auth/principal';
import { protocolError } from './errors';
import type { CachedResponse } from './response-cache';

const unauthorized = () =>
  protocolError(401, 'unauthorized', 'this namespace is private: configure a token for this host (terraform login, or a credentials block)');
const invalidToken = () => protocolError(401, 'invalid_token', 'the API token is unknown, expired or has been revoked');
// The same answer as for a module that does not exist: a reader of another organisation learns nothing.
const hidden = () => protocolError(404, 'not_found', 'not found');

/**
 * `true`: go on; `'private'`: go on, but the answer is for this requester only (no shared cache may keep it);
 * a response: answer it instead.
 */
export type GateDecision = true | 'private' | CachedResponse;

/**
 * Private namespaces on the protocol fast path: public namespaces (and unknown ones, which 404 anyway) pass
 * without looking at credentials; a private one needs a bearer token of someone who may read it — none or a bad
 * one is 401, a valid one without access is 404. Decided synchronously from the namespace directory and the
 * identity cache when both are warm, so cache hits stay synchronous; otherwise with one look-up each.
 */
export function createAccessGate(deps: { namespaces: NamespaceDirectory; identity: IdentityResolver }) {
  const decide = (ns: NamespaceInfo | null, token: string | null, identity: Identity | null | undefined): GateDecision | 'need-identity' => {
    if (!ns || ns.visibility === 'public') return true;
    if (!token) return unauthorized();
    if (identity === undefined) return 'need-identity';
    if (!identity) return invalidToken();
    return can(identity.access, 'namespace.read', { namespace: ns }) ? 'private' : hidden();
  };

  const slow = async (req: IncomingMessage, namespace: string): Promise<GateDecision> => {
    const ns = await deps.namespaces.get(namespace);
    const token = bearerOf(req);
    const first = decide(ns, token, token ? deps.identity.peekToken(token) : null);
    if (first !== 'need-identity') return first;
    const second = decide(ns, token, await deps.identity.resolveToken(token!));
    return second === 'need-identity' ? invalidToken() : second;
  };

  return function check(req: IncomingMessage, namespace: string): GateDecision | Promise<GateDecision> {
    const ns = deps.namespaces.peek(namespace);
    if (ns === undefined) return slow(req, namespace);
    if (!ns || ns.visibility === 'public') return true;
    const token = bearerOf(req);
    const decision = decide(ns, token, token ? deps.identity.peekToken(token) : null);
    return decision === 'need-identity' ? slow(req, namespace) : decision;
  };
}

function bearerOf(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m ? m[1]! : null;
}
