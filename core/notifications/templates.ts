import type { EventType } from './event-types';
import { publicPayload } from './rules';

/** One sentence that says why the mail came, per event type. */
const INTRO: Record<EventType, string> = {
  'module.published': 'A module version was published.',
  'module.publish_failed': 'A module version could not be published.',
  'provider.published': 'A provider version was published.',
  'provider.publish_failed': 'A provider version could not be published.',
  'vcs.tag_moved': 'A git tag of a published version now points to another commit. The published version was not changed.',
  'run.awaiting_approval': 'A run is waiting for approval.',
  'run.applied': 'A run was applied.',
  'run.errored': 'A run failed.',
  'run.drift_detected': 'Drift was detected in a workspace.',
  'credential.invalid': 'A cloud credential no longer works.',
  'credential.expiring': 'A cloud credential expires soon.',
  'token.created': 'An API token was created for your account. If this was not you, revoke it and change your password.',
  'user.new_sign_in': 'Your account was signed in to from a new device or address. If this was not you, change your password.',
  'user.invited': 'An account on Strata was created for you. Open the link to confirm your email address.',
  'user.verify_email': 'Confirm your email address by opening the link.',
  'user.password_reset': 'Someone asked to reset your password. If it was you, open the link within the hour; otherwise ignore this mail.',
  'webhook.test': 'This is a test event.',
  'webhook.disabled': 'A webhook kept failing for a day and was disabled; fix the endpoint and enable it again.',
  'plugin.access_requested': 'Someone asked for access to a locked plugin: approve or reject the request.',
  'plugin.access_decided': 'Your request for access to a locked plugin was decided.',
};

export interface EmailInput {
  type: EventType;
  subject: string;
  /** Absolute URL of the primary link (the dashboard page, or an account mail's single-use link). */
  link: string | null;
  payload: Record<string, unknown>;
  /** Extra buttons (approve / discard), absolute URLs. */
  actions: { label: string; url: string }[];
  /** Absolute URL that turns this event type's mail off; null for mails that cannot be turned off. */
  unsubscribeUrl: string | null;
}

const escape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Facts worth listing: plain values of the payload (never a private key, never nested structures). */
function facts(payload: Record<string, unknown>): [string, string][] {
  return Object.entries(publicPayload(payload))
    .filter(([k, v]) => k !== 'approverUserIds' && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'))
    .map(([k, v]) => [k, String(v)]);
}

/** Text and HTML bodies of a notification mail. Everything that came from data is escaped in the HTML. */
export function renderEmail(input: EmailInput): { subject: string; text: string; html: string } {
  const intro = INTRO[input.type];
  const list = facts(input.payload);
  const text = [
    intro,
    '',
    input.subject,
    ...(list.length ? ['', ...list.map(([k, v]) => `${k}: ${v}`)] : []),
    ...(input.link ? ['', `Open: ${input.link}`] : []),
    ...input.actions.map((a) => `${a.label}: ${a.url}`),
    ...(input.unsubscribeUrl ? ['', `Stop these mails: ${input.unsubscribeUrl}`] : []),
    '',
    '-- Strata',
  ].join('\n');
  const button = (label: string, url: string) =>
    `<a href="${escape(url)}" style="display:inline-block;padding:8px 14px;margin:4px 8px 4px 0;background:#1f4fd1;color:#fff;border-radius:4px;text-decoration:none">${escape(label)}</a>`;
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1b1f24">',
    `<p>${escape(intro)}</p>`,
    `<h2 style="font-size:16px">${escape(input.subject)}</h2>`,
    list.length ? `<table>${list.map(([k, v]) => `<tr><th align="left" style="padding-right:12px">${escape(k)}</th><td>${escape(v)}</td></tr>`).join('')}</table>` : '',
    '<p>',
    input.link ? button('Open', input.link) : '',
    ...input.actions.map((a) => button(a.label, a.url)),
    '</p>',
    input.unsubscribeUrl ? `<p style="font-size:12px;color:#57606a"><a href="${escape(input.unsubscribeUrl)}">Stop these mails</a></p>` : '',
    '</body></html>',
  ].join('');
  return { subject: `[Strata] ${input.subject}`, text, html };
}
