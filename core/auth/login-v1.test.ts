import { describe, expect, it } from 'vitest';
import { isLoopbackRedirect, verifierMatches } from './login-v1';

describe('login.v1 rules', () => {
  it('checks PKCE S256: the unpadded base64url SHA-256 of the verifier', () => {
    // The challenge as `printf %s "$verifier" | openssl dgst -sha256 -binary | basenc --base64url` gives it, minus "=".
    const verifier = 'dBjftJeZ4CVP-mJ92ZoG2CPXxHkZYRQXXnUVUUl8BYk';
    const challenge = 'Ac1hSXo5Elo8RIzzQUwpIF1VUzTO0U7piAhdmgJfvrs';
    expect(verifierMatches(verifier, challenge)).toBe(true);
    expect(verifierMatches(`${verifier}x`, challenge)).toBe(false);
    expect(verifierMatches(verifier, `${challenge}=`)).toBe(false);
    // The plain method (challenge = verifier) is not accepted.
    expect(verifierMatches(verifier, verifier)).toBe(false);
  });

  it('accepts only plain-http loopback redirects on the advertised ports', () => {
    for (const ok of ['http://localhost:10000/login', 'http://127.0.0.1:10010/login', 'http://localhost:10005/other?x=1']) expect(isLoopbackRedirect(ok), ok).toBe(true);
    for (const bad of [
      'https://localhost:10000/login',
      'http://localhost/login',
      'http://localhost:9999/login',
      'http://localhost:10011/login',
      'http://[::1]:10001/login',
      'http://localhost.evil.test:10001/login',
      'http://a:b@localhost:10001/login',
      'http://localhost:10001/login#x',
      'not a url',
    ]) {
      expect(isLoopbackRedirect(bad), bad).toBe(false);
    }
  });
});
