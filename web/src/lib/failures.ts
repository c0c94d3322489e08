/** A failure explained for a person: what happened in one line, and what to do about it. */
export interface Explained {
  title: string;
  advice: string;
}

const byPrefix: [RegExp, Explained][] = [
  [/^(version_exists|publish_in_progress)$/, { title: 'This version already exists', advice: 'Published versions are immutable: bump the version number and publish again.' }],
  [/^archive_(path_traversal|link|special_file|path_conflict|duplicate_entry|path_too_long)$/, { title: 'The archive contains unsafe entries', advice: 'Rebuild it from the module directory with plain files only (no links, no absolute or “..” paths).' }],
  [/^archive_(too_large|too_many_entries)$/, { title: 'The archive is too big once unpacked', advice: 'Leave out build outputs, .terraform directories and test data, then try again.' }],
  [/^(archive_corrupt|unsupported_archive|archive_unsupported_compression|archive_encrypted|content_type_mismatch)$/, { title: 'The file could not be read as a module archive', advice: 'Upload a .tar.gz or .zip of the module directory.' }],
  [/^module_hcl_invalid$/, { title: 'The module’s Terraform code does not parse', advice: 'Run terraform validate (or tofu validate) on it, fix the reported error, and publish again.' }],
  [/^(signature_|signing_key_)/, { title: 'The release signature could not be verified', advice: 'Sign SHA256SUMS (binary, detached) with a key registered for this namespace, and upload the .sig with it.' }],
  [/^(shasums_|shasum_|packages_missing|provider_platform_missing)/, { title: 'SHA256SUMS does not match the uploaded packages', advice: 'Upload every zip listed in SHA256SUMS, unchanged, together with SHA256SUMS and its .sig.' }],
  [/^provider_zip_/, { title: 'A provider package is not usable', advice: 'Each zip must hold the terraform-provider-<type> executable at its root.' }],
  [/^(unexpected_file|duplicate_file|invalid_manifest|invalid_protocols|invalid_platform|invalid_multipart)$/, { title: 'The release files are not a goreleaser release', advice: 'Upload the zips, SHA256SUMS, its .sig and (optionally) the manifest of one version.' }],
  [/^(unauthorized|invalid_token)$/, { title: 'A valid API token is needed', advice: 'Paste a token on the Tokens page; an administrator can create one.' }],
  [/^payload_too_large$/, { title: 'The upload is larger than this registry accepts', advice: 'Make the archive smaller, or ask an administrator to raise the limit.' }],
];

/** Explains an API or workflow error code; unknown codes get a generic title and the server's own message. */
export function explainFailure(code: string | undefined): Explained {
  for (const [pattern, explained] of byPrefix) if (code && pattern.test(code)) return explained;
  return { title: 'It did not work', advice: 'The message below says why; if it mentions an internal error, try again or ask an administrator.' };
}
