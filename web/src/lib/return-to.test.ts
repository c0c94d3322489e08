import { describe, expect, it } from 'vitest';
import { isServerPath, loginHref, safeReturnTo, signInErrorMessage } from './return-to';

describe('safeReturnTo', () => {
  it('keeps paths of this site with their query', () => {
    expect(safeReturnTo('/orgs/acme/members')).toBe('/orgs/acme/members');
    expect(safeReturnTo('/activity?status=failed#top')).toBe('/activity?status=failed#top');
  });

  it('refuses anything that could leave the site, and the sign-in page itself', () => {
    for (const bad of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', 'orgs', '', null, '/\t/evil.example', '/login?returnTo=/x']) {
      expect(safeReturnTo(bad)).toBe('/');
    }
  });

  it('keeps a server route such as tofu login\'s authorize URL, and tells it from the dashboard\'s pages', () => {
    const authorize = '/oauth/authorize?client_id=terraform-cli&redirect_uri=http%3A%2F%2Flocalhost%3A10004%2Flogin&state=s';
    expect(safeReturnTo(authorize)).toBe(authorize);
    for (const p of [authorize, '/oauth/token', '/api/v1/me', '/v1/modules/x', '/.well-known/terraform.json', '/healthz']) expect(isServerPath(p)).toBe(true);
    for (const p of ['/', '/orgs/acme/audit', '/oauthish', '/apis', '/login?returnTo=/api/x']) expect(isServerPath(p)).toBe(false);
  });

  it('builds the sign-in link back to a page', () => {
    expect(loginHref('/publish?kind=provider')).toBe('/login?returnTo=%2Fpublish%3Fkind%3Dprovider');
    expect(loginHref('/')).toBe('/login');
  });

  it('explains SSO error codes without echoing unknown ones', () => {
    expect(signInErrorMessage(null)).toBeNull();
    expect(signInErrorMessage('sso_denied')).toMatch(/denied/);
    expect(signInErrorMessage('sso_state_mismatch')).toMatch(/another browser or tab/);
    expect(signInErrorMessage('sso_email_unverified')).toMatch(/not verified your email/);
    expect(signInErrorMessage('sso_email_missing')).toMatch(/did not share an email/);
    expect(signInErrorMessage('sso_unavailable')).toMatch(/cannot be reached/);
    expect(signInErrorMessage('account_disabled')).toMatch(/disabled/);
    // Every code the server sends has its own sentence, not the generic one.
    const generic = signInErrorMessage('something_else');
    for (const code of ['sso_state_mismatch', 'sso_failed', 'sso_denied', 'sso_email_unverified', 'sso_email_missing', 'account_disabled', 'sso_unavailable']) {
      expect(signInErrorMessage(code)).not.toBe(generic);
    }
    expect(signInErrorMessage('<script>x</script>')).not.toContain('script');
  });
});
