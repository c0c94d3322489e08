import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { addAbortSignal, type Readable } from 'node:stream';
import { NotFound } from '../errors';
import { fixedSizeParts } from './parts';
import { contentTypeFor, type BlobStat, type BlobStorage, type GetOptions, type SignedMethod, type StorageCapabilities } from './storage';

const MiB = 1024 * 1024;
/** SigV4 presigned URLs live at most seven days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export interface S3StorageOptions {
  bucket: string;
  region: string;
  /** An S3-compatible server (SeaweedFS, MinIO, …); omit for AWS. */
  endpoint?: string | null;
  /** Origin clients reach the store under, when it differs from `endpoint` (presigned URLs sign the host). */
  publicEndpoint?: string | null;
  forcePathStyle?: boolean;
  /** Omit to use the AWS SDK's default credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string } | null;
  /** Bytes per part of a multipart upload; S3 requires at least 5 MiB for every part but the last. */
  partSize?: number;
}

/**
 * S3 (or S3-compatible) storage. Streams of unknown length are uploaded in fixed-size parts with a multipart
 * upload (one part in memory at a time), or with a single PutObject when they fit in one part; a failed or
 * aborted upload is aborted on the server, so nothing partial ever becomes readable.
 */
export class S3Storage implements BlobStorage {
  readonly capabilities: StorageCapabilities = { redirectDownloads: true, partialWritesPrefix: null };
  private readonly client: S3Client;
  private readonly presigner: S3Client;
  private readonly bucket: string;
  private readonly partSize: number;

  constructor(options: S3StorageOptions) {
    const common = {
      region: options.region,
      forcePathStyle: options.forcePathStyle ?? false,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      // S3-compatible servers differ in their support of the SDK's newer default checksums; every artifact is
      // verified against its own sha256 anyway.
      requestChecksumCalculation: 'WHEN_REQUIRED' as const,
      responseChecksumValidation: 'WHEN_REQUIRED' as const,
    };
    this.client = new S3Client({ ...common, ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
    this.presigner = options.publicEndpoint ? new S3Client({ ...common, endpoint: options.publicEndpoint }) : this.client;
    this.bucket = options.bucket;
    this.partSize = Math.max(5 * MiB, options.partSize ?? 8 * MiB);
  }

  async put(key: string, body: Readable | Buffer, options: { signal?: AbortSignal } = {}): Promise<BlobStat> {
    const { signal } = options;
    signal?.throwIfAborted();
    if (Buffer.isBuffer(body)) {
      await this.putObject(key, body, signal);
      return { size: body.length };
    }
    const source = signal ? addAbortSignal(signal, body) : body;
    let uploadId: string | null = null;
    try {
      const parts: CompletedPart[] = [];
      let held: Buffer | null = null;
      let size = 0;
      // One part is held back until the next arrives: only then is it known whether a multipart upload is needed.
      for await (const part of fixedSizeParts(source, this.partSize)) {
        size += part.length;
        if (held) {
          uploadId ??= await this.createUpload(key, signal);
          parts.push(await this.uploadPart(key, uploadId, parts.length + 1, held, signal));
        }
        held = part;
      }
      signal?.throwIfAborted();
      if (!uploadId) {
        await this.putObject(key, held ?? Buffer.alloc(0), signal);
        return { size };
      }
      parts.push(await this.uploadPart(key, uploadId, parts.length + 1, held!, signal));
      await this.client.send(
        new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }),
        { abortSignal: signal },
      );
      return { size };
    } catch (err) {
      source.destroy();
      // Best effort and deliberately without the (possibly aborted) signal: the parts must not linger.
      if (uploadId) await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
      throw err;
    }
  }

  async get(key: string, options: GetOptions = {}): Promise<Readable> {
    options.signal?.throwIfAborted();
    const range = options.range ? `bytes=${options.range.start}-${options.range.end}` : undefined;
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range }), { abortSignal: options.signal });
      return out.Body as Readable;
    } catch (err) {
      throw notFoundOr(err, key);
    }
  }

  async stat(key: string): Promise<BlobStat | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: out.ContentLength ?? 0 };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  /** S3 answers 204 for a missing key too. */
  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** Lists the prefix page by page and deletes the old objects one by one (staging holds few objects). */
  async deleteOlderThan(prefix: string, before: Date): Promise<number> {
    let deleted = 0;
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        if (object.Key && object.LastModified && object.LastModified < before) {
          await this.delete(object.Key);
          deleted++;
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return deleted;
  }

  /** Server-side CopyObject (objects up to 5 GiB, above the largest upload Strata accepts by default). */
  async copy(fromKey: string, toKey: string): Promise<void> {
    try {
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: toKey, CopySource: `${this.bucket}/${encodeKey(fromKey)}` }));
    } catch (err) {
      throw notFoundOr(err, fromKey);
    }
  }

  /**
   * A SigV4 presigned URL. The signature covers the method: a GET URL answers GET only and a HEAD URL HEAD only
   * (AWS and SeaweedFS both refuse the other with 403), so the registry's blob route redirects each method to a
   * URL signed for it.
   */
  async signedUrl(key: string, options: { expiresAt: Date; method?: SignedMethod }): Promise<string> {
    const now = Date.now();
    // An expiry in the past still yields a URL (one the server refuses), as the other backends do.
    const signingDate = new Date(Math.min(now, options.expiresAt.getTime() - 1000));
    const expiresIn = Math.min(MAX_PRESIGN_SECONDS, Math.max(1, Math.ceil((options.expiresAt.getTime() - signingDate.getTime()) / 1000)));
    const input = { Bucket: this.bucket, Key: key };
    const command = options.method === 'HEAD' ? new HeadObjectCommand(input) : new GetObjectCommand(input);
    return getSignedUrl(this.presigner, command, { expiresIn, signingDate });
  }

  /** Closes the clients' connection pools. */
  close(): void {
    this.client.destroy();
    if (this.presigner !== this.client) this.presigner.destroy();
  }

  private async putObject(key: string, body: Buffer, signal: AbortSignal | undefined): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentLength: body.length, ContentType: contentTypeFor(key) }),
      { abortSignal: signal },
    );
  }

  private async createUpload(key: string, signal: AbortSignal | undefined): Promise<string> {
    const out = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: contentTypeFor(key) }), {
      abortSignal: signal,
    });
    if (!out.UploadId) throw new Error(`the S3 server started no multipart upload for ${key}`);
    return out.UploadId;
  }

  private async uploadPart(key: string, uploadId: string, partNumber: number, body: Buffer, signal: AbortSignal | undefined): Promise<CompletedPart> {
    const out = await this.client.send(
      new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: body, ContentLength: body.length }),
      { abortSignal: signal },
    );
    return { PartNumber: partNumber, ETag: out.ETag };
  }
}

function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/** A missing object (GetObject/CopyObject say NoSuchKey; HeadObject, without a body, only 404). */
function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || (e.$metadata?.httpStatusCode === 404 && e.name !== 'NoSuchBucket');
}

function notFoundOr(err: unknown, key: string): unknown {
  return isMissing(err) ? new NotFound(`no blob ${JSON.stringify(key)}`) : err;
}
