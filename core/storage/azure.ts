import {
  BlobSASPermissions,
  BlobServiceClient,
  generateBlobSASQueryParameters,
  RestError,
  StorageSharedKeyCredential,
  type ContainerClient,
} from '@azure/storage-blob';
import { addAbortSignal, Readable, Transform } from 'node:stream';
import { NotFound } from '../errors';
import { contentTypeFor, type BlobStat, type BlobStorage, type GetOptions, type StorageCapabilities } from './storage';

const MiB = 1024 * 1024;

export interface AzureStorageOptions {
  container: string;
  /** A connection string with an account key (`AccountName=…;AccountKey=…;…`), or `account` instead. */
  connectionString?: string | null;
  /** `endpoint` defaults to `https://<name>.blob.core.windows.net`. */
  account?: { name: string; key: string; endpoint?: string | null } | null;
  /** Blob service URL clients reach the store under (SAS signatures do not cover the host). */
  publicEndpoint?: string | null;
  /** Bytes per staged block of a streamed upload. */
  blockSize?: number;
}

/**
 * Azure Blob Storage. Streams are uploaded as staged blocks and committed at the end, so an aborted upload never
 * becomes readable (uncommitted blocks are discarded by the service). Signed URLs are read-only blob SAS URLs,
 * which answer GET and HEAD alike.
 */
export class AzureBlobStorage implements BlobStorage {
  readonly capabilities: StorageCapabilities = { redirectDownloads: true, partialWritesPrefix: null };
  private readonly service: BlobServiceClient;
  private readonly container: ContainerClient;
  private readonly credential: StorageSharedKeyCredential;
  private readonly publicEndpoint: string | null;
  private readonly blockSize: number;

  constructor(options: AzureStorageOptions) {
    if (options.connectionString) {
      this.service = BlobServiceClient.fromConnectionString(options.connectionString);
    } else if (options.account) {
      const { name, key, endpoint } = options.account;
      this.service = new BlobServiceClient(endpoint ?? `https://${name}.blob.core.windows.net`, new StorageSharedKeyCredential(name, key));
    } else {
      throw new Error('Azure storage needs a connection string or an account name and key');
    }
    if (!(this.service.credential instanceof StorageSharedKeyCredential)) {
      throw new Error('Azure storage needs the account key (in the connection string or STRATA_AZURE_ACCOUNT_KEY) to sign download URLs');
    }
    this.credential = this.service.credential;
    this.container = this.service.getContainerClient(options.container);
    this.publicEndpoint = options.publicEndpoint?.replace(/\/+$/, '') ?? null;
    this.blockSize = options.blockSize ?? 8 * MiB;
  }

  async put(key: string, body: Readable | Buffer, options: { signal?: AbortSignal } = {}): Promise<BlobStat> {
    const { signal } = options;
    signal?.throwIfAborted();
    const blob = this.container.getBlockBlobClient(key);
    const blobHTTPHeaders = { blobContentType: contentTypeFor(key) };
    if (Buffer.isBuffer(body)) {
      await blob.uploadData(body, { abortSignal: signal, blobHTTPHeaders });
      return { size: body.length };
    }
    let size = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        cb(null, chunk);
      },
    });
    // Aborting must also stop reading the source, not only the block requests in flight.
    const source = signal ? addAbortSignal(signal, body) : body;
    source.once('error', (err) => counted.destroy(err));
    try {
      await blob.uploadStream(source.pipe(counted), this.blockSize, 2, { abortSignal: signal, blobHTTPHeaders });
    } catch (err) {
      source.destroy();
      throw err;
    }
    return { size };
  }

  async get(key: string, options: GetOptions = {}): Promise<Readable> {
    options.signal?.throwIfAborted();
    const { range } = options;
    try {
      const res = await this.container
        .getBlobClient(key)
        .download(range?.start ?? 0, range ? range.end - range.start + 1 : undefined, { abortSignal: options.signal });
      const body = res.readableStreamBody!;
      return body instanceof Readable ? body : Readable.from(body);
    } catch (err) {
      throw notFoundOr(err, key);
    }
  }

  async stat(key: string): Promise<BlobStat | null> {
    try {
      const props = await this.container.getBlobClient(key).getProperties();
      return { size: props.contentLength ?? 0 };
    } catch (err) {
      if (isMissingBlob(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.container.getBlobClient(key).deleteIfExists();
  }

  async deleteOlderThan(prefix: string, before: Date): Promise<number> {
    let deleted = 0;
    for await (const blob of this.container.listBlobsFlat({ prefix })) {
      if (blob.properties.lastModified < before) {
        await this.delete(blob.name);
        deleted++;
      }
    }
    return deleted;
  }

  /**
   * A server-side copy (Copy Blob: no size limit, immediate within an account). The source is read through a
   * short-lived SAS, which works whether or not the service accepts shared-key authorisation of the source.
   */
  async copy(fromKey: string, toKey: string): Promise<void> {
    const source = this.sasUrl(fromKey, new Date(Date.now() + 15 * 60_000), this.container.getBlobClient(fromKey).url);
    try {
      const poller = await this.container.getBlobClient(toKey).beginCopyFromURL(source, { intervalInMs: 500 });
      await poller.pollUntilDone();
    } catch (err) {
      // A missing source is reported as 404 or as "cannot verify copy source", depending on the service.
      if (err instanceof RestError && !(await this.stat(fromKey))) throw new NotFound(`no blob ${JSON.stringify(fromKey)}`);
      throw err;
    }
  }

  async signedUrl(key: string, options: { expiresAt: Date }): Promise<string> {
    const url = this.container.getBlobClient(key).url;
    const base = this.service.url.replace(/\/+$/, '');
    return this.sasUrl(key, options.expiresAt, this.publicEndpoint && url.startsWith(base) ? this.publicEndpoint + url.slice(base.length) : url);
  }

  private sasUrl(key: string, expiresOn: Date, url: string): string {
    const sas = generateBlobSASQueryParameters(
      { containerName: this.container.containerName, blobName: key, permissions: BlobSASPermissions.parse('r'), expiresOn },
      this.credential,
    );
    return `${url}?${sas.toString()}`;
  }
}

function isMissingBlob(err: unknown): boolean {
  return err instanceof RestError && err.statusCode === 404 && err.code !== 'ContainerNotFound';
}

function notFoundOr(err: unknown, key: string): unknown {
  return isMissingBlob(err) ? new NotFound(`no blob ${JSON.stringify(key)}`) : err;
}
