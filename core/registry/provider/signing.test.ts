import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateTestSigningKey } from '../../../test/fixtures/provider-release';
import { readSigningKey, verifyDetachedSignature } from './signing';

type TestKey = Awaited<ReturnType<typeof generateTestSigningKey>>;
let signer: TestKey;
let other: TestKey;

beforeAll(async () => {
  [signer, other] = await Promise.all([generateTestSigningKey(), generateTestSigningKey()]);
}, 120_000);

const userIDs = [{ name: 'Someone', email: 'someone@strata.test' }];

async function sign(data: Buffer, key: openpgp.PrivateKey, format: 'binary' | 'armored' = 'binary'): Promise<Buffer> {
  const message = await openpgp.createMessage({ binary: new Uint8Array(data) });
  const signature = await openpgp.sign({ message, signingKeys: key, detached: true, format: format as 'binary' });
  return Buffer.from(signature);
}

const code = (value: string) => expect.objectContaining({ kind: 'invalid_artifact', code: value });

describe('readSigningKey', () => {
  it('accepts an RSA public key and reports its identity', async () => {
    const key = await readSigningKey(signer.publicArmored);
    expect(key.keyId).toBe(signer.keyId);
    expect(key.keyId).toMatch(/^[0-9A-F]{16}$/);
    expect(key.fingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect(key.fingerprint.endsWith(key.keyId)).toBe(true);
    expect(key.algorithm).toBe('rsaEncryptSign');
    expect(key.bits).toBe(3072);
    expect(key.armored).toContain('-----BEGIN PGP PUBLIC KEY BLOCK-----');
  });

  it('normalises the armor, dropping text around the key block', async () => {
    const key = await readSigningKey(`Here is my key:\n\n${signer.publicArmored}\nThanks!\n`);
    expect(key.armored).not.toContain('Thanks');
    expect((await readSigningKey(key.armored)).keyId).toBe(signer.keyId);
  });

  it('rejects a private key, even when asked nicely', async () => {
    await expect(readSigningKey(signer.privateKey.armor())).rejects.toThrow(code('signing_key_private'));
  });

  it('rejects two keys in one upload, as two armored blocks or in one block', async () => {
    await expect(readSigningKey(signer.publicArmored + other.publicArmored)).rejects.toThrow(code('signing_key_multiple'));
    const both = await openpgp.readKeys({ armoredKeys: signer.publicArmored });
    both.push(await openpgp.readKey({ armoredKey: other.publicArmored }));
    const oneBlock = openpgp.armor(
      openpgp.enums.armor.publicKey,
      Buffer.concat(both.map((key) => key.write())),
    );
    await expect(readSigningKey(oneBlock)).rejects.toThrow(code('signing_key_multiple'));
  });

  it('rejects an ed25519 key', async () => {
    const { publicKey } = await openpgp.generateKey({ type: 'curve25519', userIDs, format: 'armored' });
    await expect(readSigningKey(publicKey)).rejects.toThrow(code('signing_key_algorithm'));
  });

  it('rejects an RSA key that signs with an ed25519 subkey', async () => {
    const { privateKey } = await openpgp.generateKey({ type: 'rsa', rsaBits: 2048, userIDs, format: 'object' });
    const withSubkey = await privateKey.addSubkey({ type: 'curve25519', sign: true });
    await expect(readSigningKey(withSubkey.toPublic().armor())).rejects.toThrow(code('signing_key_algorithm'));
  });

  it('rejects an RSA key under 2048 bits', async () => {
    const { publicKey } = await openpgp.generateKey({
      type: 'rsa',
      rsaBits: 1024,
      userIDs,
      format: 'armored',
      config: { minRSABits: 1024 },
    });
    await expect(readSigningKey(publicKey)).rejects.toThrow(code('signing_key_weak'));
  });

  it('rejects an expired key', async () => {
    const { publicKey } = await openpgp.generateKey({
      type: 'rsa',
      rsaBits: 2048,
      userIDs,
      date: new Date(Date.now() - 2 * 86_400_000),
      keyExpirationTime: 86_400,
      format: 'armored',
    });
    await expect(readSigningKey(publicKey)).rejects.toThrow(code('signing_key_expired'));
  });

  it('rejects a revoked key', async () => {
    const { publicKey } = await openpgp.revokeKey({ key: signer.privateKey, format: 'armored' });
    await expect(readSigningKey(publicKey)).rejects.toThrow(code('signing_key_revoked'));
  });

  it.each<[string, () => string]>([
    ['garbage', () => 'not a key'],
    ['an empty string', () => ''],
    ['a truncated key', () => signer.publicArmored.slice(0, 400)],
  ])('rejects %s', async (_, armor) => {
    await expect(readSigningKey(armor())).rejects.toThrow(code('signing_key_invalid'));
  });
});

describe('verifyDetachedSignature', () => {
  const data = Buffer.from(`${'a'.repeat(64)}  terraform-provider-x_1.0.0_linux_amd64.zip\n`);

  it('returns the key that made a good binary signature', async () => {
    const signature = await sign(data, signer.privateKey);
    await expect(verifyDetachedSignature({ data, signature, armoredKeys: [signer.publicArmored] })).resolves.toEqual({
      keyId: signer.keyId,
    });
  });

  it('finds the signing key among several', async () => {
    const signature = await sign(data, signer.privateKey);
    const result = await verifyDetachedSignature({ data, signature, armoredKeys: [other.publicArmored, signer.publicArmored] });
    expect(result.keyId).toBe(signer.keyId);
  });

  it('rejects an armored signature, which the clients cannot read', async () => {
    const signature = await sign(data, signer.privateKey, 'armored');
    await expect(verifyDetachedSignature({ data, signature, armoredKeys: [signer.publicArmored] })).rejects.toThrow(
      code('signature_armored'),
    );
  });

  it('rejects a signature made by a key that is not listed', async () => {
    const signature = await sign(data, other.privateKey);
    await expect(verifyDetachedSignature({ data, signature, armoredKeys: [signer.publicArmored] })).rejects.toThrow(
      code('signature_invalid'),
    );
  });

  it('rejects a signature over different bytes', async () => {
    const signature = await sign(data, signer.privateKey);
    const tampered = Buffer.from(data);
    tampered[0] = 'b'.charCodeAt(0);
    await expect(
      verifyDetachedSignature({ data: tampered, signature, armoredKeys: [signer.publicArmored] }),
    ).rejects.toThrow(code('signature_invalid'));
  });

  it('rejects a damaged signature', async () => {
    const signature = await sign(data, signer.privateKey);
    signature[signature.length - 10]! ^= 0xff;
    await expect(verifyDetachedSignature({ data, signature, armoredKeys: [signer.publicArmored] })).rejects.toThrow(
      code('signature_invalid'),
    );
  });

  it.each<[string, () => Promise<Buffer>]>([
    ['text', async () => Buffer.from('this is not a signature')],
    ['an empty file', async () => Buffer.alloc(0)],
    ['a public key', async () => Buffer.from((await openpgp.readKey({ armoredKey: signer.publicArmored })).write())],
  ])('rejects %s as a corrupt signature', async (_, signature) => {
    await expect(
      verifyDetachedSignature({ data, signature: await signature(), armoredKeys: [signer.publicArmored] }),
    ).rejects.toThrow(code('signature_corrupt'));
  });

  it('refuses to verify without keys', async () => {
    const signature = await sign(data, signer.privateKey);
    await expect(verifyDetachedSignature({ data, signature, armoredKeys: [] })).rejects.toThrow(code('signature_no_keys'));
  });
});
