export { classifyReleaseFile, parseShasums, type ReleaseFileKind } from './release-files';
export { readSigningKey, verifyDetachedSignature, type SigningKey } from './signing';
export { zhFromSha256, sha256File, hash1, type Hash1File } from './hashes';
export {
  inspectProviderZip,
  DEFAULT_PROVIDER_ZIP_LIMITS,
  type ProviderZipLimits,
  type ProviderZipInfo,
} from './provider-zip';
