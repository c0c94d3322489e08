import { findModuleVersion, listModuleVersionStrings, type ModuleAddress } from '../../core/db/repos/modules';
import { jsonResponse, tags, type CachedResponse } from './response-cache';
import { urlSigner, type ProtocolContext } from './context';
import { checkAddress, protocolError } from './errors';

/** `GET /v1/modules/:namespace/:name/:system/versions` — a single-element `modules` list. */
export async function moduleVersions(ctx: ProtocolContext, a: ModuleAddress): Promise<CachedResponse> {
  const refused = checkAddress(a);
  if (refused) return refused;
  const tag = [tags.module(a.namespace, a.name)];
  const versions = await listModuleVersionStrings(ctx.db, a);
  if (!versions) return protocolError(404, 'not_found', `module ${a.namespace}/${a.name}/${a.system} not found`, tag);
  return jsonResponse(200, { modules: [{ versions: versions.map((version) => ({ version })) }] }, { tags: tag });
}

/**
 * `GET /v1/modules/:namespace/:name/:system/:version/download` — 204 with `X-Terraform-Get` (the form every
 * client accepts) pointing at a signed, expiring archive URL: clients send no token when fetching it.
 */
export async function moduleDownload(ctx: ProtocolContext, a: ModuleAddress, version: string): Promise<CachedResponse> {
  const refused = checkAddress({ ...a, version });
  if (refused) return refused;
  const tag = [tags.module(a.namespace, a.name)];
  const row = await findModuleVersion(ctx.db, a, version);
  if (!row) return protocolError(404, 'not_found', `module ${a.namespace}/${a.name}/${a.system} ${version} not found`, tag);
  const signer = urlSigner(ctx);
  return {
    status: 204,
    body: Buffer.alloc(0),
    headers: { 'x-terraform-get': signer.sign(row.blob_key), 'cache-control': 'no-store' },
    gzip: null,
    tags: tag,
    freshUntil: signer.freshUntil,
    countAs: { kind: 'module', versionId: String(row.id) },
  };
}
