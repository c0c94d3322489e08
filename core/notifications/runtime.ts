import type { Config } from '../config';
import type { SecretBox } from '../crypto/envelope';
import { resolveSecretBox } from '../crypto/master-key';
import { createMailer, type Mailer } from './mailer';
import { signToken, verifyToken } from './signed-tokens';

/** What notification activities and routes need besides the database. */
export interface NotificationRuntime {
  /** Null: no STRATA_SMTP_URL (email deliveries are recorded as skipped), or a process that sends no mail (the API). */
  mailer: Mailer | null;
  publicUrl: string;
  /** Signs action and unsubscribe links. */
  signingSecret: string;
  /** Seals the single-use links of account mails while they wait in the outbox. */
  secrets: SecretBox;
}

export async function createNotificationRuntime(config: Config, signingSecret: string, options: { mail?: boolean } = {}): Promise<NotificationRuntime> {
  const mailer = options.mail === false ? null : await createMailer(config.mail);
  return { mailer, publicUrl: config.publicUrl, signingSecret, secrets: await resolveSecretBox(config) };
}

/** Context a sealed account-mail link is bound to: it opens only for the user and event type it was made for. */
export const linkSealContext = (userId: string, type: string) => `notification-link:${userId}:${type}`;

const UNSUBSCRIBE = 'unsubscribe';

/** A link that turns one event type's email off for one user (List-Unsubscribe). Does not expire; idempotent. */
export function unsubscribeToken(secret: string, input: { userId: string; type: string }): string {
  return signToken(secret, UNSUBSCRIBE, { u: input.userId, t: input.type });
}

export function readUnsubscribeToken(secret: string, token: string): { userId: string; type: string } | null {
  const p = verifyToken(secret, UNSUBSCRIBE, token);
  return p && typeof p.u === 'string' && typeof p.t === 'string' ? { userId: p.u, type: p.t } : null;
}
