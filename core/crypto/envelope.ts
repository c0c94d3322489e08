import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * A secret sealed with envelope encryption: the value is encrypted with a fresh AES-256-GCM data key, and the
 * data key is encrypted ("wrapped") with the configured master key. Stored as JSON; every field is base64.
 */
export interface SealedSecret {
  v: 1;
  /** Which master key wrapped the data key (a fingerprint, never the key). */
  kid: string;
  /** The wrapped data key: iv (12) | ciphertext (32) | tag (16). */
  wk: string;
  iv: string;
  ct: string;
  tag: string;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const WRAP_CONTEXT = Buffer.from('strata/data-key/v1');

/** Thrown when a sealed value cannot be opened: another master key, a different context, or tampering. */
export class SecretUnreadable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretUnreadable';
  }
}

function gcmEncrypt(key: Buffer, plaintext: Buffer, aad: Buffer): { iv: Buffer; ct: Buffer; tag: Buffer } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ct, tag: cipher.getAuthTag() };
}

function gcmDecrypt(key: Buffer, iv: Buffer, ct: Buffer, tag: Buffer, aad: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ct), decipher.final()]);
}

/**
 * Seals and opens secrets (VCS tokens, webhook secrets) with envelope encryption under one master key.
 * `context` names the record a secret belongs to (e.g. `vcs-connection:<id>`) and is bound in as associated
 * data, so a sealed value copied onto another row does not open. Plaintexts are never logged or returned.
 */
export class SecretBox {
  readonly keyId: string;
  readonly #masterKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== KEY_BYTES) throw new Error(`the encryption key must be ${KEY_BYTES} bytes`);
    this.#masterKey = Buffer.from(masterKey);
    this.keyId = createHash('sha256').update('strata/key-id').update(masterKey).digest('hex').slice(0, 16);
  }

  seal(plaintext: string, context: string): SealedSecret {
    const dataKey = randomBytes(KEY_BYTES);
    try {
      const wrapped = gcmEncrypt(this.#masterKey, dataKey, WRAP_CONTEXT);
      const sealed = gcmEncrypt(dataKey, Buffer.from(plaintext, 'utf8'), Buffer.from(context, 'utf8'));
      return {
        v: 1,
        kid: this.keyId,
        wk: Buffer.concat([wrapped.iv, wrapped.ct, wrapped.tag]).toString('base64'),
        iv: sealed.iv.toString('base64'),
        ct: sealed.ct.toString('base64'),
        tag: sealed.tag.toString('base64'),
      };
    } finally {
      dataKey.fill(0);
    }
  }

  /** @throws SecretUnreadable when the value was sealed under another key or context, or was altered. */
  open(sealed: SealedSecret, context: string): string {
    if (sealed?.v !== 1) throw new SecretUnreadable('unknown sealed secret format');
    if (sealed.kid !== this.keyId) {
      throw new SecretUnreadable(`the secret was sealed with encryption key ${sealed.kid}; the configured key is ${this.keyId}`);
    }
    const wk = Buffer.from(sealed.wk, 'base64');
    let dataKey: Buffer | null = null;
    try {
      dataKey = gcmDecrypt(this.#masterKey, wk.subarray(0, IV_BYTES), wk.subarray(IV_BYTES, IV_BYTES + KEY_BYTES), wk.subarray(IV_BYTES + KEY_BYTES), WRAP_CONTEXT);
      const plain = gcmDecrypt(dataKey, Buffer.from(sealed.iv, 'base64'), Buffer.from(sealed.ct, 'base64'), Buffer.from(sealed.tag, 'base64'), Buffer.from(context, 'utf8'));
      return plain.toString('utf8');
    } catch {
      throw new SecretUnreadable('the sealed secret does not open: it was altered or belongs to another record');
    } finally {
      dataKey?.fill(0);
    }
  }

  /** Keeps the master key out of logs, inspection and JSON. */
  toJSON(): string {
    return `[SecretBox ${this.keyId}]`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toJSON();
  }
}
