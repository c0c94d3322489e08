import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { Config } from '../config';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** `<id@host>`: the same for every attempt of one delivery, so a retry can be recognised. */
  messageId: string;
  headers: Record<string, string>;
}

/** Sends one mail; throws on any SMTP failure (the caller's retry policy decides what happens next). */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/**
 * The SMTP mailer for `STRATA_SMTP_URL` (nodemailer): `smtp://` upgrades with STARTTLS whenever the server offers
 * it, `smtps://` is TLS from the first byte. Null when no mail server is configured. nodemailer is loaded only
 * here: the API process, which sends no mail, never loads it.
 */
export async function createMailer(mail: Config['mail']): Promise<Mailer | null> {
  if (!mail.smtpUrl) return null;
  const { default: nodemailer } = await import('nodemailer');
  const url = new URL(mail.smtpUrl);
  const options: SMTPTransport.Options = {
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    // A server that is down fails the attempt quickly; the delivery is retried with backoff.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  };
  const transport = nodemailer.createTransport(options);
  return {
    async send(m) {
      await transport.sendMail({ from: mail.from, to: m.to, subject: m.subject, text: m.text, html: m.html, messageId: m.messageId, headers: m.headers });
    },
    close: () => transport.close(),
  };
}
