import { lstat, mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cancellationSignal } from '@temporalio/activity';
import { isUniqueViolation, type Db } from '../../core/db/knex';
import { insertAudit } from '../../core/db/repos/audit';
import { findPlugin, findPluginVersion, insertPluginVersion, upsertPlugin } from '../../core/db/repos/plugins';
import { InvalidArtifact, versionExists } from '../../core/errors';
import { extractArchive, type ExtractLimits } from '../../core/registry/archive';
import { ENTRY_FILES, MANIFEST_FILE, MAX_MANIFEST_BYTES, ManifestProblem, parseManifest, type PluginEntry, type PluginManifest } from '../../core/plugins/manifest';
import { withPropertyOrder } from '../../core/plugins/input-schema';
import { contentKey, type BlobStorage } from '../../core/storage/storage';
import { withDomainFailures } from '../failures';
import { heartbeatWhile } from '../heartbeat';
import { downloadToTemp } from '../staging';

export interface PluginActivityDeps {
  db: Db;
  storage: BlobStorage;
  limits: ExtractLimits;
}

export interface InspectedPlugin {
  sha256: string;
  size: number;
  manifest: PluginManifest;
  entry: PluginEntry;
  blobKey: string;
}

/** Activities of the plugin publish workflow. Each is idempotent: retrying one after a crash is safe. */
export function createPluginActivities({ db, storage, limits }: PluginActivityDeps) {
  return {
    /**
     * Extracts the staged ZIP into a private temp dir with the module uploads' safety rules (traversal, links,
     * device files, size and entry caps), checks `strata-plugin.json` (its name must be `name`, its version
     * `version`, its inputs a JSON Schema of type object) and that exactly one of index.js/index.ts sits at the
     * root, then stores the ZIP under its content address. Fails with `invalid_artifact` and a code per rule.
     */
    async preparePluginArchive(input: { stagingKey: string; name: string; version: string }): Promise<InspectedPlugin> {
      return withDomainFailures(async () => {
        const signal = cancellationSignal();
        const staged = await downloadToTemp(storage, input.stagingKey, 'plugin.zip', signal);
        try {
          const root = join(staged.dir, 'tree');
          await mkdir(root);
          await heartbeatWhile('extracting', () => extractArchive({ file: staged.file, format: 'zip', destDir: root, limits, signal }));
          const manifest = await readManifest(root, input.name);
          if (manifest.version !== input.version) {
            throw new InvalidArtifact(`${MANIFEST_FILE} says version ${manifest.version}, but ${input.version} was being published`, 'plugin_version_mismatch');
          }
          const entry = await programEntry(root);
          const blobKey = contentKey(staged.sha256, '.zip');
          if (!(await storage.stat(blobKey))) await heartbeatWhile('storing', () => storage.copy(input.stagingKey, blobKey));
          return { sha256: staged.sha256, size: staged.size, manifest, entry, blobKey };
        } finally {
          await staged.cleanup();
        }
      });
    },

    /**
     * Inserts the immutable version row (and the plugin on its first publish) with its audit entry in one
     * transaction. A retry after a lost acknowledgement finds its own row (same bytes, same publisher) and
     * returns it; any other row of that version is a conflict (`version_exists`).
     */
    async recordPluginVersion(input: {
      orgId: string;
      inspected: InspectedPlugin;
      workflowId: string;
      publishedBy: string | null;
      /** How the publisher is named in the audit log. */
      actor: { type: 'user' | 'token'; label: string | null };
    }): Promise<{ versionId: string; publishedAt: string }> {
      const { manifest } = input.inspected;
      return withDomainFailures(async () => {
        try {
          const row = await db.transaction(async (tx) => {
            const pluginId = await upsertPlugin(tx, { org_id: input.orgId, name: manifest.name, description: manifest.description });
            const inserted = await insertPluginVersion(tx, {
              plugin_id: pluginId,
              version: manifest.version,
              blob_key: input.inspected.blobKey,
              sha256: input.inspected.sha256,
              description: manifest.description,
              inputs: withPropertyOrder(manifest.inputs),
              entry: input.inspected.entry,
              published_by: input.publishedBy,
            });
            await insertAudit(tx, {
              actorType: input.publishedBy ? input.actor.type : 'system',
              actorId: input.publishedBy,
              actorLabel: input.actor.label ?? `workflow ${input.workflowId}`,
              orgId: input.orgId,
              action: 'plugin.publish',
              target: `${manifest.name}@${manifest.version}`,
              result: 'success',
              ip: null,
              userAgent: null,
              details: { workflowId: input.workflowId, sha256: input.inspected.sha256 },
            });
            return inserted;
          });
          return { versionId: row.id, publishedAt: new Date(row.created_at).toISOString() };
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
          const plugin = await findPlugin(db, input.orgId, manifest.name);
          const existing = plugin ? await findPluginVersion(db, plugin.id, manifest.version) : undefined;
          if (existing && existing.sha256 === input.inspected.sha256 && existing.published_by === input.publishedBy) {
            return { versionId: existing.id, publishedAt: new Date(existing.created_at).toISOString() };
          }
          throw versionExists(`plugin ${manifest.name}`, manifest.version);
        }
      });
    },
  };
}

async function readManifest(root: string, name: string): Promise<PluginManifest> {
  const file = join(root, MANIFEST_FILE);
  const info = await lstat(file).catch(() => null);
  if (!info?.isFile()) {
    const top = await readdir(root);
    const hint = top.length === 1 ? ` (the ZIP holds only ${JSON.stringify(top[0])}: zip the plugin's files, not its directory)` : '';
    throw new InvalidArtifact(`the plugin ZIP has no ${MANIFEST_FILE} at its root${hint}`, 'plugin_manifest_missing');
  }
  if (info.size > MAX_MANIFEST_BYTES) throw new InvalidArtifact(`${MANIFEST_FILE} is larger than ${MAX_MANIFEST_BYTES} bytes`, 'plugin_manifest_invalid');
  try {
    return parseManifest(await readFile(file, 'utf8'), name);
  } catch (err) {
    if (err instanceof ManifestProblem) throw new InvalidArtifact(err.message, err.code);
    throw err;
  }
}

async function programEntry(root: string): Promise<PluginEntry> {
  const found: PluginEntry[] = [];
  for (const entry of ENTRY_FILES) {
    const info = await lstat(join(root, entry)).catch(() => null);
    if (info?.isFile()) found.push(entry);
  }
  if (found.length === 0) throw new InvalidArtifact('the plugin ZIP has no program: put index.js or index.ts at its root', 'plugin_entry_missing');
  if (found.length > 1) throw new InvalidArtifact('the plugin ZIP has both index.js and index.ts at its root: keep exactly one', 'plugin_entry_ambiguous');
  return found[0]!;
}
