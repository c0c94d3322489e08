import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../core/auth/tokens';
import { createLogger } from '../../core/log';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { startSmtpServer, type SmtpServer } from '../harness/smtp';
import { createUser, json, signIn, userToken } from './session-helpers';

let platform: Platform;
let smtp: SmtpServer;
let call: ReturnType<typeof clientFor>;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  const log = createLogger({ level: 'info', destination: { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) } });
  smtp = await startSmtpServer();
  platform = await startPlatform({ log, env: { STRATA_NAMESPACE_DEFAULT_VISIBILITY: 'private', STRATA_PASSWORD_RESET_LIMIT: '3', STRATA_SMTP_URL: smtp.url } });
  call = clientFor(platform);
});

afterAll(async () => {
  await platform?.close();
  await smtp?.close();
});

/** The links mailed to `email` (received by a real SMTP server), oldest first. */
async function linksFor(email: string, page: 'reset-password' | 'verify-email'): Promise<string[]> {
  const pattern = new RegExp(`https?://\\S+/${page}\\?token=[\\w-]+`);
  return (await smtp.messages()).filter((m) => m.to === email && pattern.test(m.text)).map((m) => pattern.exec(m.text)![0]);
}

/** Waits until `count` such links have been mailed (delivery is a workflow, so it lands a moment later). */
async function waitForLinks(email: string, page: 'reset-password' | 'verify-email', count: number): Promise<string[]> {
  await smtp.waitFor((mails) => mails.filter((m) => m.to === email && m.text.includes(`/${page}?token=`)).length >= count, 30_000);
  return linksFor(email, page);
}

const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;
const post = (path: string, body: unknown, init: { token?: string | null; headers?: Record<string, string> } = {}) =>
  call(path, { method: 'POST', token: null, ...init, headers: { ...json, ...init.headers }, body: JSON.stringify(body) });

async function requestReset(email: string): Promise<string> {
  const before = (await linksFor(email, 'reset-password')).length;
  const res = await post('/api/v1/auth/password-reset', { email });
  expect(res.status).toBe(202);
  const links = await waitForLinks(email, 'reset-password', before + 1);
  expect(links.length).toBe(before + 1);
  return tokenOf(links.at(-1)!);
}

async function auditOf(action: string): Promise<{ target: string | null; result: string; details: Record<string, unknown> }[]> {
  const res = await call(`/api/v1/audit?action=${encodeURIComponent(action)}&limit=200`);
  expect(res.status).toBe(200);
  return res.json().items;
}

describe('password reset', () => {
  it('answers 202 for known and unknown addresses alike, and mails a link only for a real account', async () => {
    const user = await createUser(call, 'reset-a@acme.test');
    const token = await requestReset(user.email);
    expect(token.length).toBeGreaterThan(30);
    expect((await linksFor(user.email, 'reset-password'))[0]).toBe(`${platform.url}/reset-password?token=${token}`);

    const unknown = await post('/api/v1/auth/password-reset', { email: 'nobody@acme.test' });
    expect(unknown.status).toBe(202);
    expect(unknown.body.toString()).toBe((await post('/api/v1/auth/password-reset', { email: user.email })).body.toString());
    expect((await smtp.messages()).some((m) => m.to === 'nobody@acme.test')).toBe(false);
    // Never logged either.
    expect(logLines.some((l) => JSON.stringify(l).includes('reset-password?token='))).toBe(false);

    // Audited, without the token.
    const entries = await auditOf('auth.password_reset_requested');
    expect(entries.map((e) => [e.target, e.result])).toEqual(expect.arrayContaining([[user.email, 'success'], ['nobody@acme.test', 'failure']]));
    expect(JSON.stringify(entries)).not.toContain(token);
  });

  it('sets the new password once, ends every session, and refuses the link a second time', async () => {
    const user = await createUser(call, 'reset-b@acme.test');
    const session = await signIn(call, user.email, user.password);
    expect((await call('/api/v1/me', { token: null, headers: { cookie: session.cookie } })).status).toBe(200);
    const token = await requestReset(user.email);
    const newPassword = 'a brand new passphrase for b';

    const confirmed = await post('/api/v1/auth/password-reset/confirm', { token, password: newPassword });
    expect(confirmed.status, confirmed.body.toString()).toBe(204);
    // The session opened before the reset is over (the cache of this process was dropped at once).
    expect((await call('/api/v1/me', { token: null, headers: { cookie: session.cookie } })).status).toBe(401);
    expect((await signIn(call, user.email, user.password)).res.status).toBe(401);
    expect((await signIn(call, user.email, newPassword)).res.status).toBe(200);

    const again = await post('/api/v1/auth/password-reset/confirm', { token, password: 'yet another passphrase here' });
    expect(again.status).toBe(400);
    expect(again.json().error.code).toBe('token_used');
    expect((await signIn(call, user.email, newPassword)).res.status).toBe(200);
    const done = (await auditOf('auth.password_reset')).find((e) => e.target === user.email);
    expect(done).toMatchObject({ result: 'success', details: { sessionsEnded: 1 } });
  });

  it('refuses a wrong token and an expired one with a clear 400, and keeps the link after a weak password', async () => {
    const wrong = await post('/api/v1/auth/password-reset/confirm', { token: 'not-a-token-anyone-was-given', password: 'a fine long passphrase' });
    expect(wrong.status).toBe(400);
    expect(wrong.json().error).toEqual({ code: 'invalid_token', message: expect.stringContaining('not valid') });

    const user = await createUser(call, 'reset-c@acme.test');
    const token = await requestReset(user.email);
    const weak = await post('/api/v1/auth/password-reset/confirm', { token, password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.json().error.code).toBe('weak_password');

    // An hour later (moved in the database: the link is past its expiry).
    await platform.db('account_tokens').where({ token_hash: hashToken(token) }).update({ expires_at: platform.db.raw("now() - interval '1 second'") });
    const expired = await post('/api/v1/auth/password-reset/confirm', { token, password: 'a fine long passphrase' });
    expect(expired.status).toBe(400);
    expect(expired.json().error.code).toBe('token_expired');
    expect((await signIn(call, user.email, user.password)).res.status).toBe(200);
    // The link only resets passwords: it does not verify an email.
    const other = await post('/api/v1/auth/verify-email', { token });
    expect(other.json().error.code).toBe('invalid_token');
  });

  it('is rate limited per address with 429 and Retry-After, whether or not the address has an account', async () => {
    for (const email of ['reset-d@acme.test', 'ghost-d@acme.test']) {
      if (email.startsWith('reset')) await createUser(call, email);
      const statuses: number[] = [];
      let retryAfter: string | undefined;
      for (let i = 0; i < 4; i++) {
        const res = await post('/api/v1/auth/password-reset', { email });
        statuses.push(res.status);
        retryAfter ??= res.headers['retry-after'] as string | undefined;
      }
      expect(statuses, email).toEqual([202, 202, 202, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      expect(Number(retryAfter)).toBeLessThanOrEqual(3600);
    }
  });
});

describe('email verification', () => {
  it('mails a link when the account is created; the link verifies the address once', async () => {
    const user = await createUser(call, 'verify-a@acme.test');
    const links = await waitForLinks(user.email, 'verify-email', 1);
    expect(links).toHaveLength(1);
    const token = tokenOf(links[0]!);
    const verifiedAt = async () => (await platform.db('users').where({ id: user.id }).first('email_verified_at')).email_verified_at as Date | null;
    expect(await verifiedAt()).toBeNull();

    expect((await post('/api/v1/auth/verify-email', { token })).status).toBe(204);
    expect(await verifiedAt()).toBeInstanceOf(Date);
    const reused = await post('/api/v1/auth/verify-email', { token });
    expect(reused.status).toBe(400);
    expect(reused.json().error.code).toBe('token_used');
    expect((await post('/api/v1/auth/verify-email', { token: 'x'.repeat(43) })).json().error.code).toBe('invalid_token');

    const session = await signIn(call, user.email, user.password);
    const resend = await call('/api/v1/me/verify-email', { method: 'POST', token: null, headers: { cookie: session.cookie, 'x-csrf-token': session.csrf } });
    expect(resend.status).toBe(409);
    expect(resend.json().error.code).toBe('already_verified');
    expect((await auditOf('auth.email_verified')).some((e) => e.target === user.email)).toBe(true);
  });

  it('sends a new link on request to a signed-in user who has not verified yet', async () => {
    const user = await createUser(call, 'verify-b@acme.test');
    const token = await userToken(call, await signIn(call, user.email, user.password));
    const resend = await call('/api/v1/me/verify-email', { method: 'POST', token });
    expect(resend.status).toBe(202);
    const links = await waitForLinks(user.email, 'verify-email', 2);
    expect(links).toHaveLength(2);
    expect((await post('/api/v1/auth/verify-email', { token: tokenOf(links[1]!) })).status).toBe(204);
    expect((await call('/api/v1/me/verify-email', { method: 'POST', token: null })).status).toBe(401);
    expect((await call('/api/v1/me/verify-email', { method: 'POST' })).status).toBe(403);
  });
});

describe('changing the password', () => {
  it('needs the current password, then ends the other sessions and keeps this one', async () => {
    const user = await createUser(call, 'change-a@acme.test');
    const here = await signIn(call, user.email, user.password);
    const elsewhere = await signIn(call, user.email, user.password);
    const change = (currentPassword: string, newPassword: string) =>
      post('/api/v1/me/password', { currentPassword, newPassword }, { headers: { cookie: here.cookie, 'x-csrf-token': here.csrf } });

    const wrong = await change('not my password at all', 'a new and long passphrase');
    expect(wrong.status).toBe(403);
    expect(wrong.json().error.code).toBe('wrong_password');
    const weak = await change(user.password, 'short');
    expect(weak.status).toBe(400);
    expect(weak.json().error.code).toBe('weak_password');

    expect((await change(user.password, 'a new and long passphrase')).status).toBe(204);
    expect((await call('/api/v1/me', { token: null, headers: { cookie: here.cookie } })).status).toBe(200);
    expect((await call('/api/v1/me', { token: null, headers: { cookie: elsewhere.cookie } })).status).toBe(401);
    expect((await signIn(call, user.email, 'a new and long passphrase')).res.status).toBe(200);
    const entries = (await auditOf('auth.password_change')).filter((e) => e.target === user.email);
    expect(entries.map((e) => e.result).sort()).toEqual(['failure', 'success']);
    expect(JSON.stringify(entries)).not.toContain('passphrase');
  });

  it('works with a personal token, not with a service token', async () => {
    const user = await createUser(call, 'change-b@acme.test');
    const token = await userToken(call, await signIn(call, user.email, user.password));
    const res = await post('/api/v1/me/password', { currentPassword: user.password, newPassword: 'changed through a token ok' }, { token });
    expect(res.status).toBe(204);
    expect((await signIn(call, user.email, 'changed through a token ok')).res.status).toBe(200);
    const service = await post('/api/v1/me/password', { currentPassword: 'x', newPassword: 'y' }, { token: platform.token });
    expect(service.status).toBe(403);
    expect(service.json().error.code).toBe('user_required');
  });
});
