const SEMVER = '\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?';
const RELEASE = new RegExp(`^terraform-provider-([0-9a-z](?:[0-9a-z-]{0,62}[0-9a-z])?)_(${SEMVER})_(?:SHA256SUMS(?:\\.sig)?|manifest\\.json|[0-9a-z]+_[0-9a-z]+\\.zip)$`);

/** Provider type and version named by goreleaser release files; null when they disagree or none matches. */
export function inferProviderRelease(filenames: string[]): { type: string; version: string } | null {
  let found: { type: string; version: string } | null = null;
  for (const name of filenames) {
    const m = RELEASE.exec(name);
    if (!m) continue;
    if (found && (found.type !== m[1] || found.version !== m[2])) return null;
    found = { type: m[1]!, version: m[2]! };
  }
  return found;
}

/** Which of the release files a provider publish needs are missing. */
export function missingReleaseFiles(filenames: string[]): string[] {
  const missing: string[] = [];
  if (!filenames.some((n) => n.endsWith('_SHA256SUMS'))) missing.push('the SHA256SUMS file');
  if (!filenames.some((n) => n.endsWith('_SHA256SUMS.sig'))) missing.push('its .sig signature');
  if (!filenames.some((n) => n.endsWith('.zip'))) missing.push('at least one platform .zip');
  return missing;
}

/**
 * What a module archive's file name says about it: `terraform-<system>-<name>-<version>.tar.gz` (the
 * registry's repository convention) gives all three; `<anything>-<version>.zip` gives the version.
 */
export function inferModuleFromArchive(filename: string): { name?: string; system?: string; version?: string } {
  const m = new RegExp(`^(.*?)[-_]v?(${SEMVER})\\.(?:tar\\.gz|tgz|zip)$`).exec(filename);
  if (!m) return {};
  const out: { name?: string; system?: string; version?: string } = { version: m[2] };
  const conventional = /^terraform-([0-9a-z]{1,64})-([0-9A-Za-z][0-9A-Za-z_-]*)$/.exec(m[1]!);
  if (conventional) {
    out.system = conventional[1];
    out.name = conventional[2];
  }
  return out;
}

export function isModuleArchive(filename: string): boolean {
  return /\.(tar\.gz|tgz|zip)$/i.test(filename);
}
