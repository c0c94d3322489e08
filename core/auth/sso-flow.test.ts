import { describe, expect, it } from 'vitest';
import { openFlow, safeReturnTo, sealFlow, type SsoFlow } from './sso-flow';

const secret = 'a-signing-secret-of-enough-length-for-tests';
const flow: SsoFlow = { provider: 'oidc', state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/x', expiresAt: Date.now() + 60_000 };

describe('the SSO flow cookie', () => {
  it('opens what it sealed', () => {
    expect(openFlow(sealFlow(flow, secret), secret)).toEqual(flow);
  });

  it('refuses an altered payload, another key, an expired flow and garbage', () => {
    const sealed = sealFlow(flow, secret);
    const [, mac] = sealed.split('.');
    const altered = `${Buffer.from(JSON.stringify({ ...flow, returnTo: 'https://evil.test' })).toString('base64url')}.${mac}`;
    expect(openFlow(altered, secret)).toBeNull();
    expect(openFlow(sealed, `${secret}-other`)).toBeNull();
    expect(openFlow(sealFlow({ ...flow, expiresAt: Date.now() - 1 }, secret), secret)).toBeNull();
    expect(openFlow('not-a-flow', secret)).toBeNull();
    expect(openFlow(undefined, secret)).toBeNull();
  });
});

describe('returnTo', () => {
  const publicUrl = 'https://registry.example.com';

  it('keeps a path on this server', () => {
    expect(safeReturnTo('/modules/acme?q=vpc#top', publicUrl)).toBe('/modules/acme?q=vpc#top');
  });

  it.each(['https://evil.test', '//evil.test', '/\\evil.test', '/\t/evil.test', 'javascript:alert(1)', 'modules', '', undefined])('replaces %j by /', (value) => {
    expect(safeReturnTo(value, publicUrl)).toBe('/');
  });
});
