// Outgoing email for every plugin: SMTP through nodemailer when SMTP_URL is set, otherwise .eml files
// in the data dir's outbox (readable by admins and tests). Plugins send through the `core.sendMail`
// job so a slow or failing mail server never blocks a request and failures are retried.
import fs from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { Type } from '@sinclair/typebox';
import { defineJob, defineService } from './plugin';

export interface MailMessage {
  to: string; subject: string; text: string; html?: string;
  /** Files sent with it (a report as CSV); only `Mailer.send` takes them, never the sendMail job's payload. */
  attachments?: { filename: string; content: string | Buffer; contentType: string }[];
}

export class Mailer {
  private readonly transport: Transporter;
  private readonly from: string;
  /** Where .eml files go when there is no SMTP server. */
  readonly outbox: string | undefined;

  constructor(opts: { smtpUrl?: string; from: string; dataDir: string }) {
    this.from = opts.from;
    this.outbox = opts.smtpUrl ? undefined : path.join(opts.dataDir, 'outbox');
    this.transport = opts.smtpUrl
      ? nodemailer.createTransport(opts.smtpUrl)
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  /** Delivers now (jobs call this; routes enqueue `sendMail` instead). */
  async send(message: MailMessage): Promise<void> {
    const info = await this.transport.sendMail({ from: this.from, ...message });
    if (!this.outbox) return;
    await fs.mkdir(this.outbox, { recursive: true, mode: 0o700 });
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${crypto.randomBytes(4).toString('hex')}.eml`;
    await fs.writeFile(path.join(this.outbox, name), (info as { message: Buffer }).message, { mode: 0o600 });
  }

  close(): void {
    this.transport.close();
  }
}

/** The mailer as a core service (`CoreServices.mail`). */
export const mailService = defineService<Mailer>('core.mail');

/** Sends one email; enqueue it (inside `transaction()` to send only if the change commits). */
export const sendMail = defineJob({
  name: 'core.sendMail',
  payload: Type.Object({
    to: Type.String({ format: 'email' }),
    subject: Type.String({ minLength: 1, maxLength: 300 }),
    // Not shown with the job (writeOnly): a message may hold a sign-in or password reset link.
    text: Type.String({ maxLength: 100_000, writeOnly: true }),
    html: Type.Optional(Type.String({ maxLength: 300_000, writeOnly: true })),
  }, { additionalProperties: false }),
  attempts: 5,
  backoffMs: 5000,
  // Once sent, the address and text stay only in the mailbox: the job keeps no personal data.
  forgetPayload: true,
  async handler(message, job) {
    await job.resolve(mailService).send(message);
    return { to: message.to };
  },
});
