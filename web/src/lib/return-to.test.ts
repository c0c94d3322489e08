import { describe, expect, it } from 'vitest';
import { loginHref, safeReturnTo, signInErrorMessage } from './return-to';

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

  it('builds the sign-in link back to a page', () => {
    expect(loginHref('/publish?kind=provider')).toBe('/login?returnTo=%2Fpublish%3Fkind%3Dprovider');
    expect(loginHref('/')).toBe('/login');
  });

  it('explains SSO error codes without echoing unknown ones', () => {
    expect(signInErrorMessage(null)).toBeNull();
    expect(signInErrorMessage('access_denied')).toMatch(/denied/);
    expect(signInErrorMessage('<script>x</script>')).not.toContain('script');
  });
});
