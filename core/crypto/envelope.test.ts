import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SecretBox, SecretUnreadable } from './envelope';
import { parseMasterKey } from './master-key';

describe('envelope encryption', () => {
  const box = new SecretBox(randomBytes(32));

  it('seals a secret so that neither the secret nor the data key appears in what is stored', () => {
    const sealed = box.seal('ghp_supersecrettoken', 'vcs-connection:1:token');
    const stored = JSON.stringify(sealed);
    expect(stored).not.toContain('ghp_supersecrettoken');
    expect(box.open(sealed, 'vcs-connection:1:token')).toBe('ghp_supersecrettoken');
    // A fresh data key and IV each time: sealing twice gives different ciphertexts.
    expect(box.seal('ghp_supersecrettoken', 'vcs-connection:1:token').ct).not.toBe(sealed.ct);
  });

  it('refuses to open under another record, another key, or after tampering', () => {
    const sealed = box.seal('token', 'vcs-connection:1:token');
    expect(() => box.open(sealed, 'vcs-connection:2:token')).toThrow(SecretUnreadable);
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'vcs-connection:1:token')).toThrow(/sealed with encryption key/);
    const flipped = Buffer.from(sealed.ct, 'base64');
    flipped[0]! ^= 1;
    expect(() => box.open({ ...sealed, ct: flipped.toString('base64') }, 'vcs-connection:1:token')).toThrow(SecretUnreadable);
    const wrapped = Buffer.from(sealed.wk, 'base64');
    wrapped[20]! ^= 1;
    expect(() => box.open({ ...sealed, wk: wrapped.toString('base64') }, 'vcs-connection:1:token')).toThrow(SecretUnreadable);
  });

  it('never shows the master key when logged or serialised', () => {
    const key = randomBytes(32);
    const b = new SecretBox(key);
    for (const text of [inspect(b), JSON.stringify({ b }), String(JSON.stringify(b))]) {
      expect(text).not.toContain(key.toString('hex'));
      expect(text).not.toContain(key.toString('base64'));
    }
  });

  it('reads a configured key as hex or base64, and rejects anything that is not 32 bytes', () => {
    const key = randomBytes(32);
    expect(parseMasterKey(key.toString('hex'))).toEqual(key);
    expect(parseMasterKey(key.toString('base64'))).toEqual(key);
    expect(parseMasterKey(key.toString('base64url'))).toEqual(key);
    expect(() => parseMasterKey(randomBytes(16).toString('base64'))).toThrow(/32 random bytes/);
  });
});
