import { findProviderVersion, listPlatforms, listProviderVersions, type ProviderAddress } from '../../core/db/repos/providers';
import { jsonResponse, tags, type CachedResponse } from './response-cache';
import { urlSigner, type ProtocolContext } from './context';
import { protocolError } from './errors';

function notHere(ctx: ProtocolContext, hostname: string, a: ProviderAddress, tag: string[]): CachedResponse | null {
  if (!ctx.mirrorHosts.has(hostname.toLowerCase())) {
    return protocolError(404, 'not_found', `this mirror serves providers of ${[...ctx.mirrorHosts].join(', ')}, not ${hostname}`, tag);
  }
  return null;
}

/** `GET /v1/mirror/:hostname/:namespace/:type/index.json` */
export async function mirrorIndex(ctx: ProtocolContext, hostname: string, a: ProviderAddress): Promise<CachedResponse> {
  const tag = [tags.provider(a.namespace, a.type)];
  const refused = notHere(ctx, hostname, a, tag);
  if (refused) return refused;
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
  const tag = [tags.provider(a.namespace, a.type)];
  const refused = notHere(ctx, hostname, a, tag);
  if (refused) return refused;
  const v = await findProviderVersion(ctx.db, a, version);
  if (!v) return protocolError(404, 'not_found', `provider ${a.namespace}/${a.type} has no version ${version}`, tag);
  const signer = urlSigner(ctx);
  const archives = Object.fromEntries(
    (await listPlatforms(ctx.db, v.id)).map((p) => [`${p.os}_${p.arch}`, { url: signer.sign(p.blob_key), hashes: [p.h1, `zh:${p.sha256}`] }]),
  );
  return jsonResponse(200, { archives }, { tags: tag, freshUntil: signer.freshUntil });
}
