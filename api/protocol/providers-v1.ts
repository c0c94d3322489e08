import { listGpgKeysForVersion } from '../../core/db/repos/gpg-keys';
import { findPlatform, findProviderVersion, listProviderVersions, type ProviderAddress } from '../../core/db/repos/providers';
import { jsonResponse, tags, type CachedResponse } from './response-cache';
import { urlSigner, type ProtocolContext } from './context';
import { checkAddress, protocolError } from './errors';

/** `GET /v1/providers/:namespace/:type/versions` with protocols and platforms per version. */
export async function providerVersions(ctx: ProtocolContext, a: ProviderAddress): Promise<CachedResponse> {
  const refused = checkAddress(a);
  if (refused) return refused;
  const tag = [tags.provider(a.namespace, a.type)];
  const versions = await listProviderVersions(ctx.db, a);
  if (!versions) return protocolError(404, 'not_found', `provider ${a.namespace}/${a.type} not found`, tag);
  return jsonResponse(
    200,
    {
      versions: versions.map((v) => ({
        version: v.version,
        protocols: v.protocols,
        platforms: v.platforms.map((p) => ({ os: p.os, arch: p.arch })),
      })),
    },
    { tags: tag },
  );
}

/**
 * `GET /v1/providers/:namespace/:type/:version/download/:os/:arch` — find-a-package. SHA256SUMS, its binary
 * signature and the zip are signed URLs; `trust_signature` stays empty (a private registry has no partner chain).
 */
export async function providerDownload(
  ctx: ProtocolContext,
  a: ProviderAddress,
  version: string,
  os: string,
  arch: string,
): Promise<CachedResponse> {
  const refused = checkAddress({ ...a, version, os, arch });
  if (refused) return refused;
  const tag = [tags.provider(a.namespace, a.type), tags.namespaceKeys(a.namespace)];
  const v = await findProviderVersion(ctx.db, a, version);
  const platform = v ? await findPlatform(ctx.db, v.id, os, arch) : undefined;
  if (!v || !platform) {
    return protocolError(404, 'not_found', `provider ${a.namespace}/${a.type} ${version} has no package for ${os}_${arch}`, tag);
  }
  const keys = await listGpgKeysForVersion(ctx.db, a.namespace, v.signing_key_id);
  const signer = urlSigner(ctx);
  return jsonResponse(
    200,
    {
      protocols: v.protocols,
      os: platform.os,
      arch: platform.arch,
      filename: platform.filename,
      download_url: signer.sign(platform.blob_key),
      shasums_url: signer.sign(v.shasums_key),
      shasums_signature_url: signer.sign(v.signature_key),
      shasum: platform.sha256,
      signing_keys: {
        gpg_public_keys: keys.map((k) => ({
          key_id: k.key_id,
          ascii_armor: k.ascii_armor,
          trust_signature: '',
          source: k.source ?? '',
          source_url: k.source_url ?? null,
        })),
      },
    },
    { tags: tag, freshUntil: signer.freshUntil, countAs: { kind: 'provider', versionId: String(platform.id) } },
  );
}
