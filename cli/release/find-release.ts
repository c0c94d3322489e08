import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from '../errors';

/** The files of one provider release in a goreleaser `dist/` directory. */
export interface ProviderRelease {
  type: string;
  version: string;
  /** Paths of the files to upload: SHA256SUMS, its signature, the platform zips and the manifest if present. */
  files: string[];
  platforms: { os: string; arch: string }[];
}

const SHASUMS = /^terraform-provider-([0-9a-z](?:[0-9a-z-]*[0-9a-z])?)_([^_]+)_SHA256SUMS$/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Finds the release in `dir` (its top level, where goreleaser writes archives and checksums) from its
 * `terraform-provider-{type}_{version}_SHA256SUMS` file. `type` and `version`, when given, select among
 * several; otherwise they are read from that file name.
 * @throws CliError when no release or more than one matches, or the signature or every zip is missing
 */
export async function findProviderRelease(dir: string, wanted: { type?: string; version?: string }): Promise<ProviderRelease> {
  const names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isFile()).map((d) => d.name).sort();
  const candidates = names
    .map((name) => SHASUMS.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .filter((m) => (!wanted.type || m[1] === wanted.type) && (!wanted.version || m[2] === wanted.version));
  if (candidates.length === 0) {
    const filter = [wanted.type && `type ${wanted.type}`, wanted.version && `version ${wanted.version}`].filter(Boolean).join(' and ');
    throw new CliError(
      `no terraform-provider-<type>_<version>_SHA256SUMS file${filter ? ` for ${filter}` : ''} in ${dir}: ` +
        "point at goreleaser's dist/ directory after a release build",
    );
  }
  if (candidates.length > 1) {
    const names = candidates.map((m) => m[0]).join(', ');
    throw new CliError(`${dir} holds several releases (${names}): choose one with --type and --version`);
  }
  const match = candidates[0]!;
  const [shasums, type, version] = [match[0], match[1]!, match[2]!];
  const base = `terraform-provider-${type}_${version}_`;
  if (!names.includes(`${shasums}.sig`)) {
    throw new CliError(`${shasums}.sig is missing in ${dir}: the registry accepts only signed releases (configure goreleaser's signs section)`);
  }
  const zipPattern = new RegExp(`^${escapeRegExp(base)}([a-z0-9]+)_([a-z0-9]+)\\.zip$`);
  const zips = names.flatMap((name) => {
    const m = zipPattern.exec(name);
    return m ? [{ name, os: m[1]!, arch: m[2]! }] : [];
  });
  if (zips.length === 0) throw new CliError(`no ${base}<os>_<arch>.zip files next to ${shasums} in ${dir}`);
  const manifest = `${base}manifest.json`;
  const files = [shasums, `${shasums}.sig`, ...zips.map((z) => z.name), ...(names.includes(manifest) ? [manifest] : [])];
  return {
    type,
    version,
    files: files.map((name) => join(dir, name)),
    platforms: zips.map(({ os, arch }) => ({ os, arch })),
  };
}
