/** Inputs and results shared by workflows, activities and the API. Types only: safe to import anywhere. */

export type ArchiveFormat = 'tar.gz' | 'zip';

export interface ModuleCoordinates {
  namespace: string;
  name: string;
  system: string;
}

export type PublishSource =
  | { kind: 'upload' }
  | { kind: 'vcs'; repository: string; commitSha: string };

export interface PublishModuleInput {
  module: ModuleCoordinates;
  version: string;
  stagingKey: string;
  format: ArchiveFormat;
  source: PublishSource;
  /** Id of the API token that asked for the publish (null for system-initiated publishes). */
  publishedBy: string | null;
}

export interface PublishModuleResult {
  module: ModuleCoordinates;
  version: string;
  versionId: string;
  sha256: string;
  size: number;
  publishedAt: string;
}

export interface ProviderCoordinates {
  namespace: string;
  type: string;
}

export interface StagedFile {
  key: string;
  filename: string;
}

export interface StagedZip extends StagedFile {
  os: string;
  arch: string;
}

export interface PublishProviderInput {
  provider: ProviderCoordinates;
  version: string;
  protocols: string[];
  shasums: StagedFile;
  signature: StagedFile;
  zips: StagedZip[];
  publishedBy: string | null;
}

export interface PublishProviderResult {
  provider: ProviderCoordinates;
  version: string;
  versionId: string;
  signingKeyId: string;
  platforms: { os: string; arch: string; sha256: string; h1: string }[];
  publishedAt: string;
}
