import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { heartbeat, cancellationSignal } from '@temporalio/activity';
import { versionExists } from '../../core/errors';
import { isUniqueViolation, type Db } from '../../core/db/knex';
import { findModuleVersion, insertModuleVersion, upsertModule } from '../../core/db/repos/modules';
import { extractArchive, type ExtractLimits } from '../../core/registry/archive';
import { analyseModule, type ModuleAnalysis } from '../../core/registry/module-analysis';
import { contentKey, type BlobStorage } from '../../core/storage/storage';
import type { ArchiveFormat, ModuleCoordinates, PublishSource } from '../../workflows/types';
import { permanentOnDomainError } from '../failures';
import { downloadToTemp } from '../staging';

export interface ModuleActivityDeps {
  db: Db;
  storage: BlobStorage;
  limits: ExtractLimits;
}

export interface InspectedModule {
  sha256: string;
  size: number;
  analysis: ModuleAnalysis;
  description: string | null;
}

const extensionOf = (format: ArchiveFormat) => (format === 'zip' ? '.zip' : '.tar.gz');

/** Activities of the module publish workflow. Each is idempotent: retrying one after a crash is safe. */
export function createModuleActivities({ db, storage, limits }: ModuleActivityDeps) {
  return {
    /** Fails with VersionExists when the version is already published (before any expensive work). */
    async assertModuleVersionAbsent(input: { module: ModuleCoordinates; version: string }): Promise<void> {
      await permanentOnDomainError(async () => {
        if (await findModuleVersion(db, input.module, input.version)) {
          throw versionExists(`${address(input.module)}`, input.version);
        }
      });
    },

    /**
     * Extracts the staged archive into a private temp dir with every safety check (traversal, links, device
     * files, size and entry caps) and analyses the module. Fails with InvalidArtifact for a bad archive.
     */
    async inspectModuleArchive(input: { stagingKey: string; format: ArchiveFormat }): Promise<InspectedModule> {
      return permanentOnDomainError(async () => {
        const signal = cancellationSignal();
        const staged = await downloadToTemp(storage, input.stagingKey, `module${extensionOf(input.format)}`, signal);
        try {
          heartbeat('extracting');
          const root = join(staged.dir, 'tree');
          await mkdir(root);
          await extractArchive({ file: staged.file, format: input.format, destDir: root, limits, signal });
          heartbeat('analysing');
          const analysis = await analyseModule(root);
          return { sha256: staged.sha256, size: staged.size, analysis, description: describe(analysis.root.readme) };
        } finally {
          await staged.cleanup();
        }
      });
    },

    /** Copies the staged bytes to their content-addressed key. Re-running it writes the same bytes again. */
    async storeModuleArchive(input: { stagingKey: string; sha256: string; format: ArchiveFormat }): Promise<{ blobKey: string }> {
      const blobKey = contentKey(input.sha256, extensionOf(input.format));
      const existing = await storage.stat(blobKey);
      if (!existing) await storage.copy(input.stagingKey, blobKey);
      return { blobKey };
    },

    /**
     * Inserts the immutable version row (and the module on first publish) in one transaction. A retry of the
     * same workflow after a lost acknowledgement finds its own row and returns it; anyone else's row is a conflict.
     */
    async recordModuleVersion(input: {
      module: ModuleCoordinates;
      version: string;
      blobKey: string;
      format: ArchiveFormat;
      inspected: Omit<InspectedModule, 'analysis'> & { analysis: unknown };
      source: PublishSource;
      workflowId: string;
      publishedBy: string | null;
    }): Promise<{ versionId: string; publishedAt: string }> {
      return permanentOnDomainError(async () => {
        try {
          const row = await db.transaction(async (tx) => {
            const moduleId = await upsertModule(tx, { ...input.module, description: input.inspected.description });
            return insertModuleVersion(tx, {
              module_id: moduleId,
              version: input.version,
              blob_key: input.blobKey,
              format: input.format,
              sha256: input.inspected.sha256,
              size: String(input.inspected.size),
              analysis: input.inspected.analysis,
              source: input.source.kind,
              commit_sha: input.source.kind === 'vcs' ? input.source.commitSha : null,
              repository: input.source.kind === 'vcs' ? input.source.repository : null,
              workflow_id: input.workflowId,
              published_by: input.publishedBy,
            });
          });
          return { versionId: String(row.id), publishedAt: new Date(row.published_at).toISOString() };
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
          const existing = await findModuleVersion(db, input.module, input.version);
          if (existing && existing.workflow_id === input.workflowId && existing.sha256 === input.inspected.sha256) {
            return { versionId: String(existing.id), publishedAt: new Date(existing.published_at).toISOString() };
          }
          throw versionExists(`${address(input.module)}`, input.version);
        }
      });
    },
  };
}

function address(m: ModuleCoordinates): string {
  return `${m.namespace}/${m.name}/${m.system}`;
}

/** The README's first paragraph of prose, as the module's one-line description. */
function describe(readme: string | null): string | null {
  if (!readme) return null;
  for (const block of readme.split(/\r?\n\s*\r?\n/)) {
    const text = block.trim();
    if (!text || /^(#|!\[|\[!\[|<|```|\||-{3,})/.test(text)) continue;
    const line = text.replace(/\s+/g, ' ');
    return line.length > 300 ? `${line.slice(0, 297)}...` : line;
  }
  return null;
}
