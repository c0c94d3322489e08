import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-errors';
import { loadConfig } from './config';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems.map((p) => `${p.variable} ${p.problem}`);
  }
};

describe('OpenID Connect providers', () => {
  it('are none by default', () => {
    expect(loadConfig({}).identity.oidcProviders).toEqual([]);
  });

  it('reads one provider named oidc from STRATA_OIDC_* and more from STRATA_OIDC_PROVIDERS', () => {
    const config = loadConfig({
      STRATA_OIDC_ISSUER: 'https://login.example.com',
      STRATA_OIDC_CLIENT_ID: 'strata',
      STRATA_OIDC_CLIENT_SECRET: 's3cret',
      STRATA_OIDC_PROVIDERS: JSON.stringify([{ id: 'okta', name: 'Okta', issuer: 'https://acme.okta.com', clientId: 'c', clientSecret: 'd', groupsClaim: 'roles', scopes: 'email groups' }]),
    });
    expect(config.identity.oidcProviders).toEqual([
      { id: 'oidc', name: 'Single sign-on', issuer: 'https://login.example.com', clientId: 'strata', clientSecret: 's3cret', groupsClaim: 'groups', scopes: ['openid', 'email', 'profile'] },
      { id: 'okta', name: 'Okta', issuer: 'https://acme.okta.com', clientId: 'c', clientSecret: 'd', groupsClaim: 'roles', scopes: ['openid', 'email', 'groups'] },
    ]);
  });

  it('refuses incomplete settings, duplicate or bad ids and plain http off loopback, without echoing secrets', () => {
    expect(problemsOf({ STRATA_OIDC_ISSUER: 'https://login.example.com' })).toEqual([
      expect.stringContaining('STRATA_OIDC_CLIENT_ID is required'),
      expect.stringContaining('STRATA_OIDC_CLIENT_SECRET is required'),
    ]);
    const entry = { name: 'X', issuer: 'https://x.example.com', clientId: 'c', clientSecret: 'very-secret-value' };
    const problems = problemsOf({
      STRATA_OIDC_PROVIDERS: JSON.stringify([
        { ...entry, id: 'a' },
        { ...entry, id: 'a' },
        { ...entry, id: 'Bad Id' },
        { ...entry, id: 'plain', issuer: 'http://idp.example.com' },
      ]),
    });
    expect(problems.join('\n')).toMatch(/entry 3 field id/);
    expect(problems.join('\n')).not.toContain('very-secret-value');
    expect(problemsOf({ STRATA_OIDC_PROVIDERS: '{not json' })).toEqual([expect.stringContaining('must be a JSON array')]);
    const valid = JSON.stringify([{ ...entry, id: 'a' }, { ...entry, id: 'a' }, { ...entry, id: 'plain', issuer: 'http://idp.example.com' }, { ...entry, id: 'local', issuer: 'http://127.0.0.1:9000' }]);
    expect(problemsOf({ STRATA_OIDC_PROVIDERS: valid })).toEqual([
      expect.stringContaining('provider id "a" is used twice'),
      expect.stringContaining('the issuer of "plain" must be an https URL'),
    ]);
  });
});
