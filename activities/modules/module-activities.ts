import { auditVersionRecorded } from '../../core/db/repos/publish-audit';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { activityInfo, cancellationSignal } from '@temporalio/activity';
import { InvalidArtifact, versionExists } from '../../core/errors';
import { notifyCatalogChanged } from '../../core/db/catalog-events';
import { emitNotification, orgOfNamespace } from '../../core/notifications/emit';
import { isUniqueViolation, type Db } from '../../core/db/knex';
import { findModuleVersion, insertModuleVersion, upsertModule } from '../../core/db/repos/modules';
import { extractArchive, type ExtractLimits } from '../../core/registry/archive';
import { analyseModule } from '../../core/registry/module-analysis';
import { contentKey, type BlobStorage } from '../../core/storage/storage';
import type { ArchiveFormat, ModuleCoordinates, PublishSource } from '../../workflows/types';
import { withDomainFailures } from '../failures';
import { dispatchFromActivity } from '../notifications/dispatch';
import { publishedNotice, publishedNoticeId } from '../notifications/published-notice';
import { heartbeatWhile } from '../heartbeat';
import { downloadToTemp } from '../staging';

export interface ModuleActivityDeps {
  db: Db;
  storage: BlobStorage;
  limits: ExtractLimits;
}

/**
 * What inspection found. The analysis itself (READMEs, inputs, outputs — megabytes for some modules) stays out of
 * workflow histories: it is parked in staging storage under `analysisKey` and read back by the activity that
 * records the version. Histories recorded before this change carry `analysis` inline instead.
 */
export interface InspectedModule {
  sha256: string;
  size: number;
  description: string | null;
  analysisKey?: string;
  analysis?: unknown;
}

/** Analyses larger than this are refused: they would be served with every version view. */
export const MAX_ANALYSIS_BYTES = 8 * 1024 * 1024;

const extensionOf = (format: ArchiveFormat) => (format === 'zip' ? '.zip' : '.tar.gz');

/** Activities of the module publish workflow. Each is idempotent: retrying one after a crash is safe. */
export function createModuleActivities({ db, storage, limits }: ModuleActivityDeps) {
  const activities = {
    /**
     * Extracts the staged archive into a private temp dir with every safety check (traversal, links, device
     * files, size and entry caps) and analyses the module. Fails with `invalid_artifact` for a bad archive.
     */
    async inspectModuleArchive(input: { stagingKey: string; format: ArchiveFormat }): Promise<InspectedModule> {
      return withDomainFailures(async () => {
        const signal = cancellationSignal();
        const staged = await downloadToTemp(storage, input.stagingKey, `module${extensionOf(input.format)}`, signal);
        try {
          const root = join(staged.dir, 'tree');
          await mkdir(root);
          await heartbeatWhile('extracting', () => extractArchive({ file: staged.file, format: input.format, destDir: root, limits, signal }));
          const analysis = await heartbeatWhile('analysing', () => analyseModule(root));
          const json = Buffer.from(JSON.stringify(analysis));
          if (json.length > MAX_ANALYSIS_BYTES) {
            throw new InvalidArtifact(
              `the module's documentation and interface (README, inputs, outputs) take ${json.length} bytes, more than the limit of ${MAX_ANALYSIS_BYTES}: shorten the README`,
              'module_analysis_too_large',
            );
          }
          const run = activityInfo().workflowExecution;
          const analysisKey = `staging/analysis-${createHash('sha256').update(`${run?.workflowId}/${run?.runId}`).digest('hex').slice(0, 32)}/analysis.json`;
          await storage.put(analysisKey, json, { signal });
          return { sha256: staged.sha256, size: staged.size, analysisKey, description: describe(analysis.root.readme) };
        } finally {
          await staged.cleanup();
        }
      });
    },

    /** Copies the staged bytes to their content-addressed key. Re-running it writes the same bytes again. */
    async storeModuleArchive(input: { stagingKey: string; sha256: string; format: ArchiveFormat }): Promise<{ blobKey: string }> {
      const blobKey = contentKey(input.sha256, extensionOf(input.format));
      const existing = await storage.stat(blobKey);
      if (!existing) await heartbeatWhile('storing', () => storage.copy(input.stagingKey, blobKey));
      return { blobKey };
    },

    /**
     * Inserts the immutable version row (and the module on first publish) and announces the change (NOTIFY,
     * delivered on commit) in one transaction. A retry of the same workflow after a lost acknowledgement finds
     * its own row, announces again and returns it; anyone else's row is a conflict (VersionExists).
     */
    async recordModuleVersion(input: {
      module: ModuleCoordinates;
      version: string;
      blobKey: string;
      format: ArchiveFormat;
      inspected: InspectedModule;
      source: PublishSource;
      workflowId: string;
      publishedBy: string | null;
    }): Promise<{ versionId: string; publishedAt: string }> {
      const announcement = { kind: 'module', namespace: input.module.namespace, name: input.module.name } as const;
      return withDomainFailures(async () => {
        try {
          const analysis = input.inspected.analysisKey ? await readAnalysis(storage, input.inspected.analysisKey) : input.inspected.analysis;
          const row = await db.transaction(async (tx) => {
            const moduleId = await upsertModule(tx, { ...input.module, description: input.inspected.description });
            const inserted = await insertModuleVersion(tx, {
              module_id: moduleId,
              version: input.version,
              blob_key: input.blobKey,
              format: input.format,
              sha256: input.inspected.sha256,
              size: String(input.inspected.size),
              analysis,
              source: input.source.kind,
              commit_sha: input.source.kind === 'vcs' ? input.source.commitSha : null,
              repository: input.source.kind === 'vcs' ? input.source.repository : null,
              workflow_id: input.workflowId,
              published_by: input.publishedBy,
            });
            await auditVersionRecorded(tx, {
              kind: 'module',
              namespace: input.module.namespace,
              address: address(input.module),
              version: input.version,
              workflowId: input.workflowId,
              publishedBy: input.publishedBy,
            });
            await notifyCatalogChanged(tx, announcement);
            await emitNotification(tx, publishedNotice({ kind: 'module', address: address(input.module), version: input.version, workflowId: input.workflowId, orgId: await orgOfNamespace(tx, input.module.namespace) }));
            return inserted;
          });
          const eventId = await publishedNoticeId(db, 'module', input.workflowId);
          if (eventId) await dispatchFromActivity(db, [eventId]);
          return { versionId: String(row.id), publishedAt: new Date(row.published_at).toISOString() };
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
          const existing = await findModuleVersion(db, input.module, input.version);
          if (existing && existing.workflow_id === input.workflowId && existing.sha256 === input.inspected.sha256) {
            await notifyCatalogChanged(db, announcement);
            const eventId = await publishedNoticeId(db, 'module', input.workflowId);
            if (eventId) await dispatchFromActivity(db, [eventId]);
            return { versionId: String(existing.id), publishedAt: new Date(existing.published_at).toISOString() };
          }
          throw versionExists(`${address(input.module)}`, input.version);
        }
      });
    },

    /**
     * The publish workflow's artifact step as one activity (one task-queue round trip instead of two): inspects
     * the staged archive, then stores it under its content address only once every check passed.
     */
    async prepareModuleArchive(input: { stagingKey: string; format: ArchiveFormat }): Promise<InspectedModule & { blobKey: string }> {
      const inspected = await activities.inspectModuleArchive(input);
      const { blobKey } = await activities.storeModuleArchive({ stagingKey: input.stagingKey, sha256: inspected.sha256, format: input.format });
      return { ...inspected, blobKey };
    },
  };
  return activities;
}

async function readAnalysis(storage: BlobStorage, key: string): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of await storage.get(key)) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
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
