import type { ReceivedMail, SmtpSink } from 'offline-emulators';

/** The subjects of the account mails (src/auth/mails.ts). */
export const SUBJECTS = {
  verify: 'Confirm your email address',
  change: 'Confirm your new email address',
  registered: 'You already have an account',
  changed: 'Your email address was changed',
} as const;

/** What a confirmation mail carries: the code to type and the token of its link. */
export interface MailedConfirmation {
  code: string;
  token: string;
}

/**
 * Reads the SMTP sink like a user reads their inbox: each mail once, newest unread first to come. Remembers every
 * code and token it saw, for the specs' leak scans.
 */
export class Mailbox {
  private readonly read = new Set<number>();
  /** Every code and link token read so far. */
  readonly secrets: string[] = [];

  constructor(
    private readonly sink: SmtpSink,
    private readonly appUrl: string,
  ) {}

  /** The next unread mail to `to` with this subject (waits for it). */
  async next(to: string, subject: string): Promise<ReceivedMail> {
    const mail = await this.sink.waitForMail(
      (m) => !this.read.has(m.id) && m.to.includes(to) && m.subject === subject,
      5000,
    );
    this.read.add(mail.id);
    return mail;
  }

  /** Unread mails to `to` that have arrived (any subject), without waiting. */
  unread(to: string): ReceivedMail[] {
    return this.sink.list().filter((m) => !this.read.has(m.id) && m.to.includes(to));
  }

  /** The code and the link's token of a confirmation mail; the link (in text and HTML) is APP_URL/verify-email. */
  confirmationIn(mail: ReceivedMail): MailedConfirmation {
    const code = /Your code: (\d{6})/.exec(mail.text)?.[1];
    const link = new RegExp(`${this.appUrl.replace(/[.]/g, '\\.')}/verify-email\\?token=([\\w-]+)`).exec(
      mail.text,
    );
    if (!code || !link) throw new Error(`no code or link in mail "${mail.subject}":\n${mail.text}`);
    if (!mail.html.includes(link[0]) || !mail.html.includes(code)) throw new Error('HTML part differs');
    this.secrets.push(code, link[1]);
    return { code, token: link[1] };
  }

  /** The next confirmation mail to `to` (verification by default), read. */
  async confirmation(to: string, subject: string = SUBJECTS.verify): Promise<MailedConfirmation> {
    return this.confirmationIn(await this.next(to, subject));
  }
}
