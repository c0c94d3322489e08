import { describe, expect, it } from 'vitest';
import { builtInDefault, decide, isConfigurable, publicPayload } from './rules';
import { signToken, verifyToken } from './signed-tokens';
import { renderEmail } from './templates';

describe('notification defaults', () => {
  it('sends admins and owners the operational alarms, and nobody else', () => {
    for (const role of ['owner', 'admin'] as const) expect(builtInDefault({ type: 'vcs.tag_moved', channel: 'email', role, approver: false })).toBe(true);
    for (const role of ['publisher', 'reader', null] as const) expect(builtInDefault({ type: 'module.publish_failed', channel: 'in_app', role, approver: false })).toBe(false);
    expect(builtInDefault({ type: 'module.published', channel: 'email', role: 'owner', approver: false })).toBe(false);
  });

  it('sends approvers the approval request, everyone their own security events, account mails by email only', () => {
    expect(builtInDefault({ type: 'run.awaiting_approval', channel: 'email', role: 'reader', approver: true })).toBe(true);
    expect(builtInDefault({ type: 'run.awaiting_approval', channel: 'email', role: 'owner', approver: false })).toBe(false);
    expect(builtInDefault({ type: 'user.new_sign_in', channel: 'in_app', role: null, approver: false })).toBe(true);
    expect(builtInDefault({ type: 'user.password_reset', channel: 'email', role: null, approver: false })).toBe(true);
    expect(builtInDefault({ type: 'user.password_reset', channel: 'in_app', role: null, approver: false })).toBe(false);
    expect(isConfigurable('user.invited')).toBe(false);
    expect(isConfigurable('token.created')).toBe(true);
  });

  it('lets the most specific setting win: user, then teams (any on wins), then organisation, then built-in', () => {
    expect(decide({ user: false, teams: [true], org: true, builtIn: true })).toBe(false);
    expect(decide({ teams: [false, true], org: false, builtIn: false })).toBe(true);
    expect(decide({ teams: [false], org: true, builtIn: true })).toBe(false);
    expect(decide({ teams: [], org: true, builtIn: false })).toBe(true);
    expect(decide({ teams: [], builtIn: true })).toBe(true);
  });

  it('keeps sealed links out of what the app and webhooks show', () => {
    expect(publicPayload({ sealedLink: { v: 1 }, tag: 'v1' })).toEqual({ tag: 'v1' });
  });
});

describe('signed link tokens', () => {
  it('verify only with the same secret and purpose, and not once altered', () => {
    const t = signToken('s'.repeat(32), 'unsubscribe', { u: 'x', t: 'run.errored' });
    expect(verifyToken('s'.repeat(32), 'unsubscribe', t)).toEqual({ u: 'x', t: 'run.errored' });
    expect(verifyToken('s'.repeat(32), 'action-link', t)).toBeNull();
    expect(verifyToken('o'.repeat(32), 'unsubscribe', t)).toBeNull();
    const [body, sig] = t.split('.');
    expect(verifyToken('s'.repeat(32), 'unsubscribe', `${body}x.${sig}`)).toBeNull();
    expect(verifyToken('s'.repeat(32), 'unsubscribe', 'garbage')).toBeNull();
  });
});

describe('notification mail', () => {
  it('escapes everything that came from data in the HTML, and lists plain facts', () => {
    const mail = renderEmail({
      type: 'vcs.tag_moved',
      subject: 'Tag <img src=x onerror=alert(1)> moved',
      link: 'https://strata.test/modules/a/b/c?x="y"',
      payload: { tag: '<b>v1</b>', nested: { no: 1 }, sealedLink: { secret: 1 } },
      actions: [{ label: 'Approve', url: 'https://strata.test/action/a.b' }],
      unsubscribeUrl: 'https://strata.test/u/1',
    });
    expect(mail.subject).toBe('[Strata] Tag <img src=x onerror=alert(1)> moved');
    expect(mail.html).not.toMatch(/<img|<b>/);
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(mail.html).toContain('href="https://strata.test/modules/a/b/c?x=&quot;y&quot;"');
    expect(mail.text).toContain('tag: <b>v1</b>');
    expect(mail.text).not.toContain('nested');
    expect(mail.text).not.toContain('secret');
    expect(mail.text).toContain('Approve: https://strata.test/action/a.b');
    expect(mail.text).toContain('Stop these mails: https://strata.test/u/1');
  });
});
