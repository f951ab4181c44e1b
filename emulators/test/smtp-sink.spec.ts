import { createTransport } from 'nodemailer';
import { startSmtpSink, type SmtpSink } from '../src/smtp';

describe('SMTP sink', () => {
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(() => sink.close());
  beforeEach(() => sink.clear());

  const send = (to: string, subject: string, smtpUrl = sink.smtpUrl) =>
    createTransport(smtpUrl).sendMail({
      from: '"Lingo" <no-reply@lingo.test>',
      to,
      subject,
      text: `Open http://localhost:5173/reset?token=abc to continue.`,
      html: `<p><a href="http://localhost:5173/reset?token=abc">Continue</a></p>`,
      date: new Date('2026-01-02T03:04:05Z'),
    });

  it('receives a message sent by nodemailer over SMTP and lists it parsed', async () => {
    const info = await send('ana@example.com', 'Reset your password');
    expect(info.accepted).toEqual(['ana@example.com']);

    expect(sink.list()).toEqual([
      {
        id: expect.any(Number),
        from: '"Lingo" <no-reply@lingo.test>',
        to: ['ana@example.com'],
        subject: 'Reset your password',
        text: 'Open http://localhost:5173/reset?token=abc to continue.',
        html: '<p><a href="http://localhost:5173/reset?token=abc">Continue</a></p>',
        date: '2026-01-02T03:04:05.000Z',
      },
    ]);
  });

  it('accepts credentials in the URL without checking them', async () => {
    const url = sink.smtpUrl.replace('smtp://', 'smtp://user:secret@');
    await send('bo@example.com', 'With auth', url);
    expect(sink.list().map((m) => m.to)).toEqual([['bo@example.com']]);
  });

  it('lists mail over HTTP as JSON and clears it with DELETE', async () => {
    await send('ana@example.com', 'First');
    await send('bo@example.com', 'Second');

    const listed = await fetch(sink.mailUrl);
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { subject: string; to: string[] }[];
    expect(body.map((m) => [m.subject, m.to])).toEqual([
      ['First', ['ana@example.com']],
      ['Second', ['bo@example.com']],
    ]);

    expect((await fetch(sink.mailUrl, { method: 'DELETE' })).status).toBe(204);
    expect(sink.list()).toEqual([]);
    expect(await (await fetch(sink.mailUrl)).json()).toEqual([]);
  });

  it('waits for a matching mail that has not arrived yet, and gives up on one that never does', async () => {
    const waiting = sink.waitForMail((m) => m.to.includes('cy@example.com'));
    await send('ana@example.com', 'Not this one');
    await send('cy@example.com', 'This one');
    expect((await waiting).subject).toBe('This one');

    await expect(sink.waitForMail((m) => m.subject === 'never', 50)).rejects.toThrow(/no matching mail/);
  });
});
