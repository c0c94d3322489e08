import type * as OpenPgp from 'openpgp';
import { InvalidArtifact } from '../../errors';

/**
 * openpgp is loaded on first use (~18 MB resident once loaded): the API needs it only when a key is added, the
 * worker when a provider is published; an idle registry never pays for it.
 */
const loadOpenPgp = (): Promise<typeof OpenPgp> => import('openpgp');

/** A validated public signing key, as the registry stores it and lists it in `signing_keys.gpg_public_keys`. */
export interface SigningKey {
  /** The primary key's 64-bit key ID as 16 uppercase hex digits (the form the clients print). */
  keyId: string;
  /** The primary key's fingerprint, uppercase hex. */
  fingerprint: string;
  algorithm: string;
  bits?: number;
  /** The key re-armored by us: public packets only, no comments or trailing junk from the upload. */
  armored: string;
}

// The clients' Go OpenPGP implementation verifies RSA signatures reliably; newer algorithms are hit and miss.
const RSA_ALGORITHMS = new Set(['rsaEncryptSign', 'rsaSign']);
const MIN_RSA_BITS = 2048;

/**
 * Parses and vets one ASCII-armored OpenPGP public key that release signatures will be checked against.
 *
 * @throws InvalidArtifact `signing_key_invalid` (not an armored key), `signing_key_private` (a secret key was
 *   uploaded), `signing_key_multiple`, `signing_key_algorithm` (not RSA), `signing_key_weak` (< 2048 bits),
 *   `signing_key_revoked`, `signing_key_expired`, `signing_key_unusable` (no valid signing-capable key)
 */
export async function readSigningKey(asciiArmor: string): Promise<SigningKey> {
  // openpgp reads only the first armored block, so a second block pasted after it would be silently dropped.
  const blocks = asciiArmor.match(/-----BEGIN PGP [A-Z ]+-----/g)?.length ?? 0;
  if (blocks > 1) {
    throw new InvalidArtifact(`expected exactly one public key, found ${blocks} armored blocks`, 'signing_key_multiple');
  }
  const openpgp = await loadOpenPgp();
  let keys: OpenPgp.Key[];
  try {
    keys = await openpgp.readKeys({ armoredKeys: asciiArmor });
  } catch {
    throw new InvalidArtifact('the signing key is not an ASCII-armored OpenPGP public key', 'signing_key_invalid');
  }
  if (keys.length !== 1) {
    throw new InvalidArtifact(`expected exactly one public key, found ${keys.length}`, 'signing_key_multiple');
  }
  const key = keys[0]!;
  if (key.isPrivate()) {
    throw new InvalidArtifact('this is a PRIVATE key: upload only the public key (gpg --armor --export <id>)', 'signing_key_private');
  }
  const { algorithm, bits } = key.getAlgorithmInfo();
  if (!RSA_ALGORITHMS.has(algorithm)) {
    throw new InvalidArtifact(`signing keys must be RSA (Terraform and OpenTofu verify RSA), not ${algorithm}`, 'signing_key_algorithm');
  }
  if (bits === undefined || bits < MIN_RSA_BITS) {
    throw new InvalidArtifact(`RSA signing keys need at least ${MIN_RSA_BITS} bits, this one has ${bits ?? 'unknown'}`, 'signing_key_weak');
  }
  if (await key.isRevoked()) throw new InvalidArtifact('the signing key has been revoked', 'signing_key_revoked');
  const expires = await key.getExpirationTime();
  if (expires instanceof Date && expires.getTime() <= Date.now()) {
    throw new InvalidArtifact(`the signing key expired on ${expires.toISOString()}`, 'signing_key_expired');
  }
  const signingKey = await key.getSigningKey().catch(() => null);
  if (!signingKey) throw new InvalidArtifact('the key has no valid signing-capable (sub)key', 'signing_key_unusable');
  if (!RSA_ALGORITHMS.has(signingKey.getAlgorithmInfo().algorithm)) {
    throw new InvalidArtifact('the key signs with a non-RSA subkey; Terraform and OpenTofu need RSA', 'signing_key_algorithm');
  }
  return {
    keyId: keyIdOf(key),
    fingerprint: key.getFingerprint().toUpperCase(),
    algorithm,
    bits,
    armored: key.armor(),
  };
}

/**
 * Verifies a detached OpenPGP signature over exactly `data` (a SHA256SUMS file) against any of `armoredKeys`.
 * The signature must be binary, as goreleaser writes it: Terraform and OpenTofu cannot read armored ones.
 *
 * @returns the primary key ID (16 uppercase hex) of the key that made the signature
 * @throws InvalidArtifact `signature_no_keys`, `signature_armored`, `signature_corrupt` (not a signature),
 *   `signature_invalid` (made by none of the keys, or over different bytes)
 */
export async function verifyDetachedSignature(input: {
  data: Buffer;
  signature: Buffer;
  armoredKeys: string[];
}): Promise<{ keyId: string }> {
  if (input.armoredKeys.length === 0) {
    throw new InvalidArtifact('there is no signing key to verify the SHA256SUMS signature with: add a signing key first', 'signature_no_keys');
  }
  if (looksArmored(input.signature)) {
    throw new InvalidArtifact(
      'the SHA256SUMS signature is ASCII-armored; Terraform and OpenTofu need a binary signature (gpg --detach-sign without --armor)',
      'signature_armored',
    );
  }
  const openpgp = await loadOpenPgp();
  let signature: OpenPgp.Signature;
  try {
    signature = await openpgp.readSignature({ binarySignature: new Uint8Array(input.signature) });
  } catch {
    throw new InvalidArtifact('the SHA256SUMS signature is not an OpenPGP signature', 'signature_corrupt');
  }
  if (signature.packets.length === 0) {
    throw new InvalidArtifact('the SHA256SUMS signature file holds no signature', 'signature_corrupt');
  }
  const keys = await Promise.all(input.armoredKeys.map((armoredKey) => openpgp.readKey({ armoredKey })));
  const message = await openpgp.createMessage({ binary: new Uint8Array(input.data) });
  const result = await openpgp
    .verify({ message, signature, verificationKeys: keys, format: 'binary' })
    .catch(() => null);
  for (const candidate of result?.signatures ?? []) {
    const verified = await candidate.verified.catch(() => false);
    if (!verified) continue;
    const signer = keys.find((key) => key.getKeyIDs().some((id) => id.equals(candidate.keyID)));
    if (signer) return { keyId: keyIdOf(signer) };
  }
  throw new InvalidArtifact('the SHA256SUMS signature does not verify with any of the signing keys', 'signature_invalid');
}

function looksArmored(signature: Buffer): boolean {
  return signature.subarray(0, 64).toString('latin1').trimStart().startsWith('-----BEGIN PGP');
}

function keyIdOf(key: OpenPgp.Key): string {
  return key.getKeyID().toHex().toUpperCase();
}

