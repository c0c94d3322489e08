import { findProviderVersion, listPlatforms, listProviderVersions, type ProviderAddress } from '../../core/db/repos/providers';
import { jsonResponse, tags, type CachedResponse } from './response-cache';
import { urlSigner, type ProtocolContext } from './context';
import { checkAddress, protocolError, uncachedNotFound } from './errors';

/**
 * An origin this mirror does not serve, or an address that cannot exist. The answer names neither the
 * configured hostnames (they are the operator's business) nor anything beyond the request itself.
 */
function refuse(ctx: ProtocolContext, hostname: string, a: ProviderAddress, version?: string): CachedResponse | null {
  if (!ctx.mirrorHosts.has(hostname)) {
    return uncachedNotFound(`this mirror does not serve providers from ${hostname}`);
  }
  return checkAddress({ ...a, version });
}

/** `GET /v1/mirror/:hostname/:namespace/:type/index.json` (hostname lowercased by the caller). */
export async function mirrorIndex(ctx: ProtocolContext, hostname: string, a: ProviderAddress): Promise<CachedResponse> {
  const refused = refuse(ctx, hostname, a);
  if (refused) return refused;
  const tag = [tags.provider(a.namespace, a.type)];
  const versions = await listProviderVersions(ctx.db, a);
  if (!versions) return protocolError(404, 'not_found', `provider ${hostname}/${a.namespace}/${a.type} not found`, tag);
  return jsonResponse(200, { versions: Object.fromEntries(versions.map((v) => [v.version, {}])) }, { tags: tag });
}

/** `GET /v1/mirror/:hostname/:namespace/:type/:version.json` with `h1:` and `zh:` hashes per archive. */
export async function mirrorVersion(
  ctx: ProtocolContext,
  hostname: string,
  a: ProviderAddress,
  version: string,
): Promise<CachedResponse> {
  const refused = refuse(ctx, hostname, a, version);
  if (refused) return refused;
  const tag = [tags.provider(a.namespace, a.type)];
  const v = await findProviderVersion(ctx.db, a, version);
  if (!v) return protocolError(404, 'not_found', `provider ${a.namespace}/${a.type} has no version ${version}`, tag);
  const signer = urlSigner(ctx);
  const archives = Object.fromEntries(
    (await listPlatforms(ctx.db, v.id)).map((p) => [`${p.os}_${p.arch}`, { url: signer.sign(p.blob_key), hashes: [p.h1, `zh:${p.sha256}`] }]),
  );
  return jsonResponse(200, { archives }, { tags: tag, freshUntil: signer.freshUntil });
}
