import { describe, expect, it } from 'vitest';
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem, verifyPassword } from './passwords';

describe('passwordProblem', () => {
  it('accepts a long passphrase', () => {
    expect(passwordProblem('correct horse battery staple')).toBeNull();
    expect(passwordProblem('x'.repeat(PASSWORD_MIN_LENGTH - 1) + 'y')).toBeNull();
  });

  it('refuses passwords shorter than the minimum or longer than the maximum', () => {
    expect(passwordProblem('Tr0ub4dor&3')).toMatch(/at least 12 characters/);
    expect(passwordProblem('')).toMatch(/at least/);
    expect(passwordProblem('ab'.repeat(PASSWORD_MAX_LENGTH / 2))).toBeNull();
    expect(passwordProblem('ab'.repeat(PASSWORD_MAX_LENGTH / 2) + 'c')).toMatch(/at most 256 characters/);
  });

  it('refuses well-known and single-character passwords, whatever their case', () => {
    expect(passwordProblem('password1234')).toMatch(/too easy to guess/);
    expect(passwordProblem('PassWord1234')).toMatch(/too easy to guess/);
    expect(passwordProblem('aaaaaaaaaaaaaaaa')).toMatch(/too easy to guess/);
    expect(passwordProblem('aaaaaaaaaaaaaaab')).toBeNull();
  });

  it('refuses a short password built on the email address, not a long passphrase that contains it', () => {
    expect(passwordProblem('Alice-2024-pw', { email: 'alice@acme.test' })).toMatch(/email address/);
    expect(passwordProblem('Alice-2024-pw', { email: 'bob@acme.test' })).toBeNull();
    expect(passwordProblem('alice likes long passphrases', { email: 'alice@acme.test' })).toBeNull();
  });
});

describe('hashPassword / verifyPassword', () => {
  it('stores an argon2id hash, salted, that verifies the password and nothing else', async () => {
    const password = 'correct horse battery staple';
    const stored = await hashPassword(password);
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(stored).not.toContain(password);
    expect(await hashPassword(password)).not.toBe(stored);
    expect(await verifyPassword(stored, password)).toBe(true);
    expect(await verifyPassword(stored, 'correct horse battery stapl')).toBe(false);
    expect(await verifyPassword(stored, 'Correct horse battery staple')).toBe(false);
    expect(await verifyPassword(stored, '')).toBe(false);
  });

  it('is false, not an error, for a stored value that is no hash and for an over-long password', async () => {
    expect(await verifyPassword('not-a-hash', 'correct horse battery staple')).toBe(false);
    const stored = await hashPassword('x'.repeat(PASSWORD_MAX_LENGTH));
    expect(await verifyPassword(stored, 'x'.repeat(PASSWORD_MAX_LENGTH))).toBe(true);
    expect(await verifyPassword(stored, 'x'.repeat(PASSWORD_MAX_LENGTH + 1))).toBe(false);
  });

  it('answers false for an unknown user (no stored hash) after as much work as a real check', async () => {
    const stored = await hashPassword('correct horse battery staple');
    // The dummy hash is made on first use; time the checks after it exists.
    expect(await verifyPassword(null, 'correct horse battery staple')).toBe(false);
    const timed = async (check: () => Promise<boolean>) => {
      const started = performance.now();
      const result = await check();
      return { result, ms: performance.now() - started };
    };
    const real: number[] = [];
    const dummy: number[] = [];
    for (let i = 0; i < 3; i++) {
      real.push((await timed(() => verifyPassword(stored, 'a wrong password here'))).ms);
      const unknown = await timed(() => verifyPassword(null, 'a wrong password here'));
      expect(unknown.result).toBe(false);
      dummy.push(unknown.ms);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
    // Without the dummy verification an unknown email answers in microseconds; argon2id takes milliseconds.
    expect(median(dummy)).toBeGreaterThan(median(real) * 0.3);
  });
});
