import { createHmac, randomBytes } from 'node:crypto';

/** Standard Webhooks secrets: `whsec_` and base64 of 32 random bytes (the bytes are the HMAC key). */
const SECRET_PREFIX = 'whsec_';

export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** The HMAC key of a `whsec_` secret: the bytes its base64 part encodes. */
function secretKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error('a webhook secret starts with whsec_');
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}

/**
 * The three Standard Webhooks headers of one delivery: `webhook-id` (the message id, the same on every retry so a
 * receiver can deduplicate), `webhook-timestamp` (seconds) and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of
 * `id.timestamp.body` under the secret's bytes).
 */
export function signWebhook(input: { secret: string; id: string; timestamp: number; body: string }): Record<string, string> {
  const signature = createHmac('sha256', secretKey(input.secret)).update(`${input.id}.${input.timestamp}.${input.body}`).digest('base64');
  return { 'webhook-id': input.id, 'webhook-timestamp': String(input.timestamp), 'webhook-signature': `v1,${signature}` };
}

/** What a delivery says about one notification event: a CloudEvents 1.0 structured-mode JSON body. */
export interface WebhookEvent {
  id: string;
  type: string;
  subject: string;
  link: string | null;
  payload: Record<string, unknown>;
  createdAt: Date;
}

/** The CloudEvents-shaped body: `source` is Strata's public URL, `data` the event's payload and its dashboard link. */
export function cloudEventBody(event: WebhookEvent, publicUrl: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  return JSON.stringify({
    specversion: '1.0',
    id: event.id,
    source: base,
    type: event.type,
    time: event.createdAt.toISOString(),
    subject: event.subject,
    datacontenttype: 'application/json',
    data: { ...event.payload, link: event.link ? `${base}${event.link.startsWith('/') ? '' : '/'}${event.link}` : null },
  });
}
