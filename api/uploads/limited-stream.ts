import { Transform } from 'node:stream';
import { PayloadTooLarge } from '../../core/errors';

/**
 * Passes bytes through until `maxBytes`, then fails with a 413 domain error: an oversized upload is rejected
 * while streaming, never buffered whole. Keeps the first bytes for format sniffing.
 */
export class LimitedStream extends Transform {
  bytes = 0;
  head = Buffer.alloc(0);

  constructor(
    private readonly maxBytes: number,
    private readonly what: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null, data?: Buffer) => void): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      cb(new PayloadTooLarge(`${this.what} is larger than the limit of ${this.maxBytes} bytes`));
      return;
    }
    if (this.head.length < 8) this.head = Buffer.concat([this.head, chunk.subarray(0, 8 - this.head.length)]);
    cb(null, chunk);
  }
}
