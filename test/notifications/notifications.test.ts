import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitNotification, dispatchNotifications, type EmitInput } from '../../core/notifications/emit';
import { issueActionToken, registerActionHandler, unregisterActionHandler } from '../../core/notifications/action-links';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { startSmtpServer, type ReceivedMail, type SmtpServer } from '../harness/smtp';
import { startWorkerWith } from '../harness/workers';
import { writeDemoModule } from '../fixtures/modules';
import { addMember, createNamespace, createOrg, createUser, json, signIn, userToken } from '../identity/session-helpers';
import { startSweepWorkflow } from './sweep';

let platform: Platform;
let smtp: SmtpServer;
let call: ReturnType<typeof clientFor>;
interface Person {
  id: string;
  email: string;
  password: string;
  token: string;
}
const people: Record<'owner' | 'admin' | 'reader' | 'outsider', Person> = {} as never;

beforeAll(async () => {
  smtp = await startSmtpServer();
  platform = await startPlatform({ env: { STRATA_SMTP_URL: smtp.url, STRATA_NAMESPACE_DEFAULT_VISIBILITY: 'private' } });
  call = clientFor(platform);
  for (const role of ['owner', 'admin', 'reader', 'outsider'] as const) {
    const u = await createUser(call, `${role}@notify.test`, `${role} person`);
    const session = await signIn(call, u.email, u.password);
    people[role] = { ...u, token: await userToken(call, session) };
  }
  await createOrg(call, people.owner.token, 'acme');
  await addMember(call, people.owner.token, 'acme', people.admin.email, 'admin');
  await addMember(call, people.owner.token, 'acme', people.reader.email, 'reader');
});

afterAll(async () => {
  await platform?.close();
  await smtp?.close();
});

const orgId = async (name: string) => ((await platform.db('organizations').where({ name }).first('id')) as { id: string }).id;

/** Raises an event as a producer would (in a transaction), then starts its fan-out. */
async function raise(input: EmitInput, dispatch = true): Promise<string> {
  const { eventId } = await platform.db.transaction((tx) => emitNotification(tx, input));
  if (dispatch) await dispatchNotifications({ temporal: platform.temporal, db: platform.db, taskQueue: platform.config.temporal.taskQueue }, [eventId]);
  return eventId;
}

const mailsTo = (mails: ReceivedMail[], who: Person, subject: string) => mails.filter((m) => m.to === who.email && m.subject.includes(subject));

async function fanOutDone(eventId: string): Promise<void> {
  await platform.temporal.workflow.getHandle(`notify:${eventId}`).result();
}

describe('account mails', () => {
  it('an invited user gets a real mail with the single-use link, never shown in the app', async () => {
    const mails = await smtp.waitFor((m) => m.some((x) => x.to === people.reader.email && x.subject.includes('Your Strata account')));
    const invite = mails.find((x) => x.to === people.reader.email && x.subject.includes('Your Strata account'))!;
    expect(invite.text).toMatch(new RegExp(`${platform.url}/verify-email\\?token=[\\w-]{30,}`));
    expect(invite.html).toContain('/verify-email?token=');
    // Cannot be turned off, so no unsubscribe link.
    expect(invite.headers['List-Unsubscribe']).toBeUndefined();
    const inbox = await call('/api/v1/me/notifications', { token: people.reader.token });
    expect(JSON.stringify(inbox.json())).not.toContain('verify-email');
    // Sealed at rest: the outbox row does not hold the link.
    const rows = await platform.db('notification_events').where({ type: 'user.invited', user_id: people.reader.id });
    expect(JSON.stringify(rows)).not.toContain('verify-email');
  });

  it('a password reset is mailed (not logged) and the link works', async () => {
    const res = await call('/api/v1/auth/password-reset', { method: 'POST', token: null, headers: json, body: JSON.stringify({ email: people.outsider.email }) });
    expect(res.status).toBe(202);
    const mails = await smtp.waitFor((m) => mailsTo(m, people.outsider, 'Reset your password').length === 1);
    const link = /(https?:\/\/\S+\/reset-password\?token=[\w-]+)/.exec(mailsTo(mails, people.outsider, 'Reset your password')[0]!.text)![1]!;
    const token = new URL(link).searchParams.get('token')!;
    const confirm = await call('/api/v1/auth/password-reset/confirm', { method: 'POST', token: null, headers: json, body: JSON.stringify({ token, password: 'another long pass phrase 77' }) });
    expect(confirm.status).toBe(204);
    people.outsider.password = 'another long pass phrase 77';
  });
});

describe('email and in-app delivery', () => {
  it('delivers an organisation event to owners and admins by email (headers, text, escaped HTML) and in the app', async () => {
    const acme = await orgId('acme');
    const eventId = await raise({ type: 'vcs.tag_moved', orgId: acme, subject: 'Tag v1.0.0 of acme/net/aws moved <script>x</script>', link: '/modules/acme/net/aws', payload: { tag: 'v1.0.0', observedSha: 'abc<b>' } });
    await fanOutDone(eventId);
    const mails = await smtp.waitFor((m) => mailsTo(m, people.owner, 'moved').length === 1 && mailsTo(m, people.admin, 'moved').length === 1);
    expect(mailsTo(mails, people.reader, 'moved')).toHaveLength(0);
    const mail = mailsTo(mails, people.owner, 'moved')[0]!;
    const delivery = await platform.db('notification_deliveries').where({ event_id: eventId, user_id: people.owner.id, channel: 'email' }).first();
    expect(delivery.status).toBe('sent');
    expect(mail.messageId).toBe(`<${delivery.id}@127.0.0.1>`);
    expect(mail.headers['List-Unsubscribe']).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/api\/v1\/notifications\/unsubscribe\/[\w-]+\.[\w-]+>$/);
    expect(mail.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(mail.text).toContain('Tag v1.0.0 of acme/net/aws moved <script>x</script>');
    expect(mail.text).toContain(`${platform.url}/modules/acme/net/aws`);
    expect(mail.html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('abc&lt;b&gt;');

    const inbox = (await call('/api/v1/me/notifications', { token: people.admin.token })).json();
    expect(inbox.items[0]).toMatchObject({ type: 'vcs.tag_moved', read: false, link: '/modules/acme/net/aws', orgId: acme });
    expect(inbox.unread).toBeGreaterThanOrEqual(1);
    expect((await call('/api/v1/me/notifications', { token: people.reader.token })).json().items.some((i: { type: string }) => i.type === 'vcs.tag_moved')).toBe(false);
  });

  it('pushes inbox changes live over SSE, and marks read, all read and deletes', async () => {
    const events: { unread: number; latest: { id: string; subject: string } | null }[] = [];
    const controller = new AbortController();
    const res = await fetch(`${platform.url}/api/v1/me/notifications/events`, { headers: { authorization: `Bearer ${people.owner.token}` }, signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let at: number;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (/^event: inbox$/m.test(block) && data) events.push(JSON.parse(data));
        }
      }
    })();
    const waitEvent = async (pred: (e: (typeof events)[number]) => boolean) => {
      const deadline = Date.now() + 30_000;
      while (!events.some(pred)) {
        if (Date.now() > deadline) throw new Error(`no such SSE event; got ${JSON.stringify(events)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return events.find(pred)!;
    };
    const first = await waitEvent(() => true);
    const eventId = await raise({ type: 'run.errored', orgId: await orgId('acme'), subject: 'Run 42 of prod failed', link: '/runs/42' });
    const live = await waitEvent((e) => e.latest?.subject === 'Run 42 of prod failed');
    expect(live.unread).toBe(first.unread + 1);
    await fanOutDone(eventId);

    const id = live.latest!.id;
    expect((await call(`/api/v1/me/notifications/${id}/read`, { method: 'POST', token: people.owner.token })).status).toBe(204);
    await waitEvent((e) => e.unread === first.unread);
    const listed = (await call('/api/v1/me/notifications', { token: people.owner.token })).json();
    expect(listed.items.find((i: { id: string }) => i.id === id).read).toBe(true);
    // Someone else's notification is answered as missing.
    expect((await call(`/api/v1/me/notifications/${id}/read`, { method: 'POST', token: people.admin.token })).status).toBe(404);
    expect((await call(`/api/v1/me/notifications/${id}`, { method: 'DELETE', token: people.admin.token })).status).toBe(404);

    const all = await call('/api/v1/me/notifications/read-all', { method: 'POST', token: people.owner.token });
    expect(all.status).toBe(200);
    await waitEvent((e) => e.unread === 0);
    expect((await call(`/api/v1/me/notifications/${id}`, { method: 'DELETE', token: people.owner.token })).status).toBe(204);
    const after = (await call('/api/v1/me/notifications', { token: people.owner.token })).json();
    expect(after.items.some((i: { id: string }) => i.id === id)).toBe(false);
    expect(after.unread).toBe(0);
    controller.abort();
    await reading;
    // EventSource sends no headers: a pasted token may come in the query instead.
    const viaQuery = new AbortController();
    const q = await fetch(`${platform.url}/api/v1/me/notifications/events?token=${people.owner.token}`, { signal: viaQuery.signal });
    expect([q.status, q.headers.get('content-type')]).toEqual([200, 'text/event-stream; charset=utf-8']);
    viaQuery.abort();
    expect((await fetch(`${platform.url}/api/v1/me/notifications/events`)).status).toBe(401);
  });

  it('notifies the user of a new API token of their own by email and in the app (a real producer)', async () => {
    const session = await signIn(call, people.reader.email, people.reader.password);
    await userToken(call, session);
    await smtp.waitFor((m) => mailsTo(m, people.reader, 'API token').length >= 1);
    const inbox = (await call('/api/v1/me/notifications', { token: people.reader.token })).json();
    expect(inbox.items.some((i: { type: string }) => i.type === 'token.created')).toBe(true);
  });
});

/** A gzip-compressed tar with one main.tf that is not valid HCL. */
async function badModule(): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name: 'main.tf' }, 'resource "x" {\n  a = \n');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack.pipe(createGzip())) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('producers', () => {
  it("a failed module publish tells the namespace organisation's admins; a successful one raises module.published", async () => {
    await createNamespace(call, people.owner.token, 'acme', 'acmenet');
    const gz = { 'content-type': 'application/gzip' };
    // A real archive whose HCL does not parse: refused by the publish workflow.
    const bad = await call('/api/v1/modules/acmenet/net/aws/1.0.0?wait=true', { method: 'POST', token: people.owner.token, headers: gz, body: await badModule() });
    expect(bad.status).toBe(422);
    const mails = await smtp.waitFor((m) => mailsTo(m, people.admin, 'acmenet/net/aws 1.0.0 could not be published').length === 1);
    expect(mailsTo(mails, people.admin, 'could not be published')[0]!.text).toMatch(/reason: /);
    expect(mailsTo(mails, people.reader, 'could not be published')).toHaveLength(0);

    const dir = await mkdtemp(join(tmpdir(), 'notify-module-'));
    try {
      const { bytes } = await writeDemoModule(dir, '1.0.1');
      const ok = await call('/api/v1/modules/acmenet/net/aws/1.0.1?wait=true', { method: 'POST', token: people.owner.token, headers: gz, body: bytes });
      expect(ok.status).toBe(201);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const event = await platform.db('notification_events').where({ type: 'module.published', subject: 'acmenet/net/aws 1.0.1 published' }).first();
    expect(event.org_id).toBe(await orgId('acme'));
    // Nobody hears of a publish by default (no preference turns it on yet, no webhook wants it): the event is
    // dispatched when its version is recorded, without a fan-out workflow.
    expect(event.dispatched_at).not.toBeNull();
    await expect(platform.temporal.workflow.getHandle(`notify:${event.id}`).describe()).rejects.toThrow(WorkflowNotFoundError);
  });
});

describe('preferences', () => {
  it('are honoured: a user turns a channel off, an organisation default turns an event on', async () => {
    const prefs = await call('/api/v1/me/notification-preferences', {
      method: 'PUT',
      token: people.admin.token,
      headers: json,
      body: JSON.stringify({ preferences: [{ eventType: 'credential.invalid', channel: 'email', enabled: false }] }),
    });
    expect(prefs.status).toBe(200);
    expect(prefs.json().items).toEqual([{ eventType: 'credential.invalid', channel: 'email', enabled: false }]);
    // Readers may not change the organisation's defaults; admins may.
    const body = JSON.stringify({ preferences: [{ eventType: 'module.published', channel: 'in_app', enabled: true }] });
    expect((await call('/api/v1/orgs/acme/notification-defaults', { method: 'PUT', token: people.reader.token, headers: json, body })).status).toBe(403);
    expect((await call('/api/v1/orgs/acme/notification-defaults', { method: 'PUT', token: people.outsider.token, headers: json, body })).status).toBe(404);
    expect((await call('/api/v1/orgs/acme/notification-defaults', { method: 'PUT', token: people.admin.token, headers: json, body })).status).toBe(200);

    // A team's default reaches its members (the reader is in the on-call team).
    expect((await call('/api/v1/orgs/acme/teams', { method: 'POST', token: people.owner.token, headers: json, body: JSON.stringify({ name: 'oncall' }) })).status).toBe(201);
    expect((await call('/api/v1/orgs/acme/teams/oncall/members', { method: 'POST', token: people.owner.token, headers: json, body: JSON.stringify({ email: people.reader.email }) })).status).toBe(201);
    const teamBody = JSON.stringify({ preferences: [{ eventType: 'credential.invalid', channel: 'email', enabled: true }] });
    expect((await call('/api/v1/orgs/acme/teams/oncall/notification-defaults', { method: 'PUT', token: people.reader.token, headers: json, body: teamBody })).status).toBe(403);
    expect((await call('/api/v1/orgs/acme/teams/oncall/notification-defaults', { method: 'PUT', token: people.admin.token, headers: json, body: teamBody })).status).toBe(200);
    expect((await call('/api/v1/orgs/acme/teams/oncall/notification-defaults', { token: people.reader.token })).json().items).toEqual([{ eventType: 'credential.invalid', channel: 'email', enabled: true }]);

    const acme = await orgId('acme');
    const cred = await raise({ type: 'credential.invalid', orgId: acme, subject: 'Credential aws-prod is invalid' });
    const published = await raise({ type: 'module.published', orgId: acme, subject: 'acme/net/aws 1.2.0 published' });
    await fanOutDone(cred);
    await fanOutDone(published);
    const deliveries = async (eventId: string) =>
      (await platform.db('notification_deliveries').where({ event_id: eventId }).select('user_id', 'channel')).map((d: { user_id: string; channel: string }) => `${d.user_id}/${d.channel}`).sort();
    expect(await deliveries(cred)).toEqual([`${people.admin.id}/in_app`, `${people.owner.id}/email`, `${people.owner.id}/in_app`, `${people.reader.id}/email`].sort());
    expect(await deliveries(published)).toEqual([`${people.admin.id}/in_app`, `${people.owner.id}/in_app`, `${people.reader.id}/in_app`].sort());
  });

  it("a mail's one-click unsubscribe link turns that event type's email off", async () => {
    const mails = await smtp.messages();
    const mail = mailsTo(mails, people.owner, 'moved')[0]!;
    const url = /^<(.+)>$/.exec(mail.headers['List-Unsubscribe']!)![1]!;
    const described = await call(url, { token: null });
    expect(described.json()).toEqual({ eventType: 'vcs.tag_moved', channel: 'email', enabled: true });
    const res = await call(url, { method: 'POST', token: null, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(res.status).toBe(200);
    const mine = (await call('/api/v1/me/notification-preferences', { token: people.owner.token })).json();
    expect(mine.items).toContainEqual({ eventType: 'vcs.tag_moved', channel: 'email', enabled: false });
    expect((await call(`${url.slice(0, -3)}xyz`, { method: 'POST', token: null })).status).toBe(404);
  });
});

describe('durability', () => {
  it('SMTP down delays mail and loses none; once it is back, each recipient gets it exactly once', async () => {
    await smtp.stop();
    const eventId = await raise({ type: 'run.errored', orgId: await orgId('acme'), subject: 'Run 77 failed during outage' });
    // Attempts fail while the server is down, and the delivery stays pending.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const d = await platform.db('notification_deliveries').where({ event_id: eventId, user_id: people.owner.id, channel: 'email' }).first();
      if (d && d.attempts >= 1) {
        expect(d.status).toBe('pending');
        expect(d.last_error).toBeTruthy();
        break;
      }
      if (Date.now() > deadline) throw new Error('no failed attempt recorded');
      await new Promise((r) => setTimeout(r, 200));
    }
    await smtp.start();
    await fanOutDone(eventId);
    const mails = await smtp.waitFor((m) => mailsTo(m, people.owner, 'Run 77').length >= 1 && mailsTo(m, people.admin, 'Run 77').length >= 1);
    expect(mailsTo(mails, people.owner, 'Run 77')).toHaveLength(1);
    expect(mailsTo(mails, people.admin, 'Run 77')).toHaveLength(1);
  });

  it('a worker killed mid-fan-out sends no duplicate to anyone who already got the mail', async () => {
    // An organisation with six admins: the first two mails go out, then the worker dies with the rest in flight.
    const team: Person[] = [];
    await createOrg(call, people.owner.token, 'crash');
    for (let i = 0; i < 6; i++) {
      const u = await createUser(call, `crash-${i}@notify.test`);
      await addMember(call, people.owner.token, 'crash', u.email, 'admin');
      team.push({ ...u, token: '' });
    }
    await platform.stopWorker();
    let sent = 0;
    const isCrashMail = async (deliveryId: string) =>
      Boolean(await platform.db('notification_deliveries as d').join('notification_events as e', 'e.id', 'd.event_id').where({ 'd.id': deliveryId, 'e.subject': 'Crash run failed' }).first('d.id'));
    const flaky = await startWorkerWith(platform, (real) => ({
      deliverEmail: async (input) => {
        // Other events' deliveries (retried after the worker stop) go through untouched.
        if (!(await isCrashMail(input.deliveryId))) return real.deliverEmail(input);
        if (sent < 2) {
          sent++;
          return real.deliverEmail(input);
        }
        // Hangs until the worker is shut down under it.
        await new Promise((_, reject) => Context.current().cancellationSignal.addEventListener('abort', () => reject(new Error('worker stopped'))));
        throw new Error('unreachable');
      },
    }));
    const eventId = await raise({ type: 'run.errored', orgId: await orgId('crash'), subject: 'Crash run failed' });
    await smtp.waitFor((m) => m.filter((x) => x.subject.includes('Crash run failed')).length >= 2);
    await flaky.stop();
    await platform.startWorker();
    await fanOutDone(eventId);
    const mails = (await smtp.messages()).filter((m) => m.subject.includes('Crash run failed'));
    const recipients = [people.owner, ...team].map((p) => p.email).sort();
    expect(mails.map((m) => m.to).sort()).toEqual(recipients);
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(recipients.length);
  });

  it('an event committed without its fan-out started is started by the sweep', async () => {
    const eventId = await raise({ type: 'run.errored', orgId: await orgId('acme'), subject: 'Run 99 lost its start' }, false);
    await platform.db('notification_events').where({ id: eventId }).update({ created_at: platform.db.raw("now() - interval '2 minutes'") });
    expect(await startSweepWorkflow(platform)).toEqual({ started: 1 });
    await fanOutDone(eventId);
    await smtp.waitFor((m) => mailsTo(m, people.admin, 'Run 99').length === 1);
    expect((await platform.db('notification_events').where({ id: eventId }).first()).dispatched_at).not.toBeNull();
  });
});

describe('approve from the inbox', () => {
  const confirm = (token: string, who: Person) => call(`/api/v1/action-links/${token}/confirm`, { method: 'POST', token: who.token });
  const issue = (who: Person, expiresAt = new Date(Date.now() + 3_600_000), action: 'run.approve' | 'run.discard' = 'run.approve') =>
    issueActionToken(platform.db, platform.config.signingSecret!, { action, runId: 'run-1', userId: who.id, expiresAt, nonce: `${Math.random()}` });

  it("an awaiting-approval mail carries approve and discard links to a confirmation page", async () => {
    const eventId = await raise({ type: 'run.awaiting_approval', orgId: await orgId('acme'), subject: 'Run 5 awaits approval', link: '/runs/5', payload: { runId: 'run-5', approverUserIds: [people.reader.id] } });
    await fanOutDone(eventId);
    const mails = await smtp.waitFor((m) => mailsTo(m, people.reader, 'Run 5').length === 1);
    expect(mailsTo(mails, people.owner, 'Run 5')).toHaveLength(0);
    const text = mailsTo(mails, people.reader, 'Run 5')[0]!.text;
    const approve = /Approve: (\S+)/.exec(text)![1]!;
    expect(approve).toMatch(new RegExp(`^${platform.url}/action/[\\w-]+\\.[\\w-]+$`));
    expect(text).toMatch(/Discard: \S+\/action\//);
    const token = approve.split('/action/')[1]!;
    const described = await call(`/api/v1/action-links/${token}`, { token: people.reader.token });
    // The runs API registers the run.approve and run.discard handlers.
    expect(described.json()).toMatchObject({ action: 'run.approve', runId: 'run-5', yours: true, available: true });
  });

  it('refuses forged, expired, foreign and reused links; without a handler answers action_unavailable', async () => {
    // Without a handler (a server that cannot carry the action out): the runs API's is taken away for this test.
    unregisterActionHandler('run.approve');
    const token = await issue(people.reader);
    const forged = `${token.split('.')[0]}.${'A'.repeat(43)}`;
    expect((await confirm(forged, people.reader)).status).toBe(404);
    expect((await confirm('garbage', people.reader)).status).toBe(404);
    expect((await confirm(await issue(people.reader, new Date(Date.now() - 1000)), people.reader)).status).toBe(410);
    expect((await call(`/api/v1/action-links/${token}/confirm`, { method: 'POST', token: null })).status).toBe(401);
    const foreign = await confirm(token, people.admin);
    expect([foreign.status, foreign.json().error.code]).toEqual([403, 'action_link_not_yours']);
    const unavailable = await confirm(token, people.reader);
    expect([unavailable.status, unavailable.json().error.code]).toEqual([409, 'action_unavailable']);

    const done: string[] = [];
    registerActionHandler('run.approve', async (input) => void done.push(`${input.action}:${input.runId}:${input.userId}`));
    try {
      // Reading the link changes nothing.
      expect((await call(`/api/v1/action-links/${token}`, { token: people.reader.token })).json().available).toBe(true);
      expect(done).toEqual([]);
      const ok = await confirm(token, people.reader);
      expect([ok.status, ok.json()]).toEqual([200, { action: 'run.approve', runId: 'run-1', done: true }]);
      expect(done).toEqual([`run.approve:run-1:${people.reader.id}`]);
      const again = await confirm(token, people.reader);
      expect([again.status, again.json().error.code]).toEqual([409, 'action_link_used']);
      expect(done).toHaveLength(1);
    } finally {
      unregisterActionHandler('run.approve');
    }
  });
});
