import { auditVersionRecorded } from '../../core/db/repos/publish-audit';
import { cancellationSignal } from '@temporalio/activity';
import { InvalidArtifact, versionExists } from '../../core/errors';
import { notifyCatalogChanged } from '../../core/db/catalog-events';
import { emitNotification, orgOfNamespace } from '../../core/notifications/emit';
import { dispatchFromActivity } from '../notifications/dispatch';
import { publishedNotice, publishedNoticeId } from '../notifications/published-notice';
import { isUniqueViolation, type Db } from '../../core/db/knex';
import { listActiveGpgKeys, shareGpgKey } from '../../core/db/repos/gpg-keys';
import { findProviderVersion, insertProviderVersion, upsertProvider } from '../../core/db/repos/providers';
import { classifyReleaseFile, inspectProviderZip, parseShasums, verifyDetachedSignature } from '../../core/registry/provider';
import type { ExtractLimits } from '../../core/registry/archive';
import { contentKey, type BlobStorage } from '../../core/storage/storage';
import type { ProviderCoordinates, StagedFile, StagedZip } from '../../workflows/types';
import { withDomainFailures } from '../failures';
import { heartbeatWhile } from '../heartbeat';
import { downloadToTemp } from '../staging';

export interface ProviderActivityDeps {
  db: Db;
  storage: BlobStorage;
  limits: ExtractLimits;
}

export interface VerifiedPackage {
  os: string;
  arch: string;
  filename: string;
  sha256: string;
  h1: string;
  size: number;
}

async function readStaged(storage: BlobStorage, key: string, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of await storage.get(key)) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new InvalidArtifact(`${key.split('/').pop()} is larger than ${maxBytes} bytes`, 'release_file_too_large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const label = (p: ProviderCoordinates) => `${p.namespace}/${p.type}`;

/** Activities of the provider publish workflow. Each is idempotent. */
export function createProviderActivities({ db, storage, limits }: ProviderActivityDeps) {
  return {
    /**
     * Verifies the binary detached signature over the exact SHA256SUMS bytes with the namespace's keys, and
     * that SHA256SUMS and the uploaded zips describe the same set of packages. Returns the expected sha256 per zip.
     */
    async verifyProviderRelease(input: {
      provider: ProviderCoordinates;
      version: string;
      shasums: StagedFile;
      signature: StagedFile;
      zips: StagedZip[];
    }): Promise<{ keyId: string; expected: Record<string, string> }> {
      return withDomainFailures(async () => {
        const [sums, sig] = await Promise.all([
          readStaged(storage, input.shasums.key, 1024 * 1024),
          readStaged(storage, input.signature.key, 64 * 1024),
        ]);
        const keys = await listActiveGpgKeys(db, input.provider.namespace);
        if (keys.length === 0) {
          throw new InvalidArtifact(
            `namespace ${input.provider.namespace} has no GPG signing keys; add one with POST /api/v1/namespaces/${input.provider.namespace}/gpg-keys`,
            'signature_no_keys',
          );
        }
        const { keyId } = await verifyDetachedSignature({ data: sums, signature: sig, armoredKeys: keys.map((k) => k.ascii_armor) });
        const listed = parseShasums(sums);
        const expected: Record<string, string> = {};
        for (const zip of input.zips) {
          const sha = listed.get(zip.filename);
          if (!sha) throw new InvalidArtifact(`${zip.filename} is not listed in ${input.shasums.filename}`, 'shasums_missing_entry');
          expected[zip.filename] = sha;
        }
        const uploaded = new Set(input.zips.map((z) => z.filename));
        for (const filename of listed.keys()) {
          const kind = classifyReleaseFile({ type: input.provider.type, version: input.version, filename });
          if (kind?.kind === 'zip' && !uploaded.has(filename)) {
            throw new InvalidArtifact(`${input.shasums.filename} lists ${filename}, which was not uploaded`, 'provider_platform_missing');
          }
        }
        return { keyId, expected };
      });
    },

    /** Checks one package zip: its sha256 against SHA256SUMS, its layout, and computes the h1: hash. */
    async inspectProviderPackage(input: {
      provider: ProviderCoordinates;
      version: string;
      zip: StagedZip;
      expectedSha256: string;
    }): Promise<VerifiedPackage> {
      return withDomainFailures(async () => {
        const staged = await downloadToTemp(storage, input.zip.key, input.zip.filename, cancellationSignal());
        try {
          if (staged.sha256 !== input.expectedSha256) {
            throw new InvalidArtifact(
              `${input.zip.filename} has sha256 ${staged.sha256} but SHA256SUMS says ${input.expectedSha256}`,
              'shasum_mismatch',
            );
          }
          const { h1 } = await heartbeatWhile('hashing', () =>
            inspectProviderZip({
              file: staged.file,
              type: input.provider.type,
              version: input.version,
              os: input.zip.os,
              limits,
            }),
          );
          return { os: input.zip.os, arch: input.zip.arch, filename: input.zip.filename, sha256: staged.sha256, h1, size: staged.size };
        } finally {
          await staged.cleanup();
        }
      });
    },

    /** Copies a staged file to its content-addressed key (idempotent) and returns the key. */
    async storeReleaseFile(input: { stagingKey: string; sha256?: string; extension: string }): Promise<{ blobKey: string; sha256: string }> {
      let sha256 = input.sha256;
      if (!sha256) {
        const staged = await downloadToTemp(storage, input.stagingKey, 'release-file');
        sha256 = staged.sha256;
        await staged.cleanup();
      }
      const blobKey = contentKey(sha256, input.extension);
      if (!(await storage.stat(blobKey))) await heartbeatWhile('storing', () => storage.copy(input.stagingKey, blobKey));
      return { blobKey, sha256 };
    },

    /**
     * Inserts the version and its platforms and announces the change (NOTIFY, delivered on commit) in one
     * transaction; idempotent for the same workflow (a retry finds its own row and announces again).
     */
    async recordProviderVersion(input: {
      provider: ProviderCoordinates;
      version: string;
      protocols: string[];
      shasums: { filename: string; blobKey: string };
      signatureKey: string;
      signingKeyId: string;
      packages: (VerifiedPackage & { blobKey: string })[];
      workflowId: string;
      publishedBy: string | null;
    }): Promise<{ versionId: string; publishedAt: string }> {
      const announcement = { kind: 'provider', namespace: input.provider.namespace, name: input.provider.type } as const;
      return withDomainFailures(async () => {
        try {
          const row = await db.transaction(async (tx) => {
            const signer = await shareGpgKey(tx, input.provider.namespace, input.signingKeyId);
            if (!signer || signer.revoked_at) {
              throw new InvalidArtifact(`the signing key ${input.signingKeyId} was removed or revoked during the publish`, 'signing_key_revoked');
            }
            const providerId = await upsertProvider(tx, input.provider);
            const inserted = await insertProviderVersion(
              tx,
              {
                provider_id: providerId,
                version: input.version,
                protocols: input.protocols,
                shasums_filename: input.shasums.filename,
                shasums_key: input.shasums.blobKey,
                signature_key: input.signatureKey,
                signing_key_id: input.signingKeyId,
                workflow_id: input.workflowId,
                published_by: input.publishedBy,
              },
              input.packages.map((p) => ({
                os: p.os,
                arch: p.arch,
                filename: p.filename,
                blob_key: p.blobKey,
                sha256: p.sha256,
                h1: p.h1,
                size: String(p.size),
              })),
            );
            await auditVersionRecorded(tx, {
              kind: 'provider',
              namespace: input.provider.namespace,
              address: `${input.provider.namespace}/${input.provider.type}`,
              version: input.version,
              workflowId: input.workflowId,
              publishedBy: input.publishedBy,
            });
            await notifyCatalogChanged(tx, announcement);
            const address = `${input.provider.namespace}/${input.provider.type}`;
            await emitNotification(tx, publishedNotice({ kind: 'provider', address, version: input.version, workflowId: input.workflowId, orgId: await orgOfNamespace(tx, input.provider.namespace) }));
            return inserted;
          });
          const eventId = await publishedNoticeId(db, 'provider', input.workflowId);
          if (eventId) await dispatchFromActivity(db, [eventId]);
          return { versionId: String(row.id), publishedAt: new Date(row.published_at).toISOString() };
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
          const existing = await findProviderVersion(db, input.provider, input.version);
          if (existing && existing.workflow_id === input.workflowId) {
            await notifyCatalogChanged(db, announcement);
            const eventId = await publishedNoticeId(db, 'provider', input.workflowId);
            if (eventId) await dispatchFromActivity(db, [eventId]);
            return { versionId: String(existing.id), publishedAt: new Date(existing.published_at).toISOString() };
          }
          throw versionExists(`${label(input.provider)}`, input.version);
        }
      });
    },
  };
}
