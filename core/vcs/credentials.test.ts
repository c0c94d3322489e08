import { describe, expect, it } from 'vitest';
import { parseCredentials, serializeCredentials } from './credentials';

describe('stored VCS credentials', () => {
  it('reads tokens saved before GitHub App auth existed as tokens', () => {
    expect(parseCredentials('ghp_validtoken')).toEqual({ token: 'ghp_validtoken' });
    expect(parseCredentials(serializeCredentials({ token: '{"appId":"1"}' }))).toEqual({ token: '{"appId":"1"}' });
  });

  it('round-trips GitHub App credentials, and refuses incomplete ones', () => {
    const app = { appId: '42', privateKey: '-----BEGIN RSA PRIVATE KEY-----\nMII\n-----END RSA PRIVATE KEY-----\n', installationId: 7 };
    expect(parseCredentials(serializeCredentials({ app }))).toEqual({ app });
    for (const stored of ['github-app:v1:{"appId":"42"}', 'github-app:v1:{not json', 'github-app:v1:null']) {
      expect(() => parseCredentials(stored), stored).toThrow(expect.objectContaining({ code: 'vcs_secret_unreadable' }));
    }
  });
});
