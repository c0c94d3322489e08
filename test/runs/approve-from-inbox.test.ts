import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tofuBinary } from '../harness/cli-tools';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { startSmtpServer, type SmtpServer } from '../harness/smtp';
import { addMember, createOrg, createUser, signIn, userToken } from '../identity/session-helpers';
import { configurationArchive, createWorkspace, startRun, uploadConfiguration, waitForRun } from './run-helpers';

// A run waiting for approval mails its approvers (only them) single-use links; confirming one, signed in, applies
// the run; the link does nothing a second time.
let platform: Platform;
let smtp: SmtpServer;
let call: ReturnType<typeof clientFor>;
let admin: string;
let reader: string;
const ORG = 'inbox-runs';

beforeAll(async () => {
  smtp = await startSmtpServer();
  platform = await startPlatform({ tls: true, env: { STRATA_TOFU_BIN: await tofuBinary(), STRATA_SMTP_URL: smtp.url } });
  call = clientFor(platform);
  const [a, r] = await Promise.all([createUser(call, 'approver@inbox.test'), createUser(call, 'reader@inbox.test')]);
  admin = await userToken(call, await signIn(call, a.email, a.password));
  reader = await userToken(call, await signIn(call, r.email, r.password));
  await createOrg(call, admin, ORG);
  await addMember(call, admin, ORG, r.email, 'reader');
}, 300_000);

afterAll(async () => {
  await platform?.close();
  await smtp?.close();
});

describe('approve from the inbox', () => {
  it('mails the approvers approve/discard links; confirming one signed in applies the run, once', async () => {
    await createWorkspace(call, admin, ORG, { name: 'prod', environment: 'production' });
    const config = { 'main.tf': 'resource "terraform_data" "x" {\n  input = "inbox"\n}\n' };
    expect((await uploadConfiguration(call, admin, ORG, 'prod', await configurationArchive(config))).status).toBe(201);
    const run = await startRun(call, admin, ORG, 'prod', { operation: 'apply' });
    await waitForRun(call, admin, run.id, ['awaiting_approval']);
    const mails = await smtp.waitFor((m) => m.some((x) => x.to.includes('approver@inbox.test') && x.subject.includes('waiting for approval')), 60_000);
    const mail = mails.find((x) => x.to.includes('approver@inbox.test') && x.subject.includes('waiting for approval'))!;
    expect(mails.filter((x) => x.to.includes('reader@inbox.test') && x.subject.includes('waiting for approval'))).toEqual([]);
    const link = /Approve: (\S+)/.exec(mail.text)?.[1];
    expect(link, mail.text).toMatch(/\/action\//);
    const token = link!.split('/action/')[1]!;
    // Reading the link (what a mail scanner's GET would do) changes nothing.
    expect((await call(`/api/v1/action-links/${token}`, { token: admin })).json()).toMatchObject({ action: 'run.approve', runId: run.id, available: true });
    expect((await call(`/api/v1/runs/${run.id}`, { token: admin })).json().status).toBe('awaiting_approval');
    // Someone else signed in cannot use it.
    expect((await call(`/api/v1/action-links/${token}/confirm`, { method: 'POST', token: reader })).status).toBe(403);
    const confirmed = await call(`/api/v1/action-links/${token}/confirm`, { method: 'POST', token: admin });
    expect(confirmed.status, confirmed.body.toString()).toBe(200);
    const done = await waitForRun(call, admin, run.id, ['applied', 'errored']);
    expect(done.status, JSON.stringify(done)).toBe('applied');
    expect(done.approvals).toEqual([expect.objectContaining({ user: 'approver@inbox.test', decision: 'approve', comment: 'from the notification email' })]);
    expect((await call(`/api/v1/action-links/${token}/confirm`, { method: 'POST', token: admin })).status).toBe(409);
  }, 240_000);
});
