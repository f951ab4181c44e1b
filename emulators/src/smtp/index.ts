/**
 * SMTP sink: a real SMTP server that accepts every message and keeps it in memory, for development and tests.
 *   SMTP  smtpUrl            plain SMTP (no STARTTLS), credentials optional and never checked
 *   GET   mailUrl            received mail as JSON: [{ id, from, to, subject, text, html, date }], oldest first
 *   DELETE mailUrl           forgets every message
 * In process: list(), clear(), waitForMail(match), close().
 */
export { startSmtpSink } from './server';
export type { ReceivedMail, SmtpSink, StartSmtpSinkOptions } from './server';
