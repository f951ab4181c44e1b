import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/** One message as the sink received it; `to` is the envelope (who the server was asked to deliver to). */
export interface ReceivedMail {
  id: number;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** The message's Date header (ISO 8601), or when it arrived if it had none. */
  date: string;
}

export interface SmtpSink {
  /** For nodemailer (`SMTP_URL`): plain SMTP, no TLS, any or no credentials accepted. */
  readonly smtpUrl: string;
  readonly port: number;
  /** GET lists received mail as JSON (oldest first), DELETE clears it. */
  readonly mailUrl: string;
  list(): ReceivedMail[];
  clear(): void;
  /** Resolves with the first mail (already received or still to come) that matches; rejects after timeoutMs. */
  waitForMail(match: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /** Stops both listeners and drops open connections. */
  close(): Promise<void>;
}

export interface StartSmtpSinkOptions {
  /** SMTP port; 0 (default) picks a free one. */
  port?: number;
  /** Port of the HTTP mail listing; 0 (default) picks a free one. */
  httpPort?: number;
  host?: string;
  /** A long-running sink keeps only the newest messages. */
  maxMessages?: number;
}

const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
const DEFAULT_MAX_MESSAGES = 1000;
const DEFAULT_WAIT_MS = 5000;
/** smtp-server waits 30 s for clients to quit on close; a sink has nothing to finish. */
const CLOSE_TIMEOUT_MS = 100;

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * A real SMTP server (`smtp-server`) that keeps what it receives, parsed by `mailparser`, in memory: what the API's
 * nodemailer transport talks to in development and tests. STARTTLS is not offered, so a client never tries to
 * upgrade to a self-signed certificate.
 */
export async function startSmtpSink(opts: StartSmtpSinkOptions = {}): Promise<SmtpSink> {
  const host = opts.host ?? '127.0.0.1';
  const maxMessages = opts.maxMessages ?? DEFAULT_MAX_MESSAGES;
  const messages: ReceivedMail[] = [];
  const arrivals = new EventEmitter();
  let nextId = 1;

  const receive = async (stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> => {
    const parsed = await simpleParser(stream);
    if (stream.sizeExceeded) {
      // smtp-server answers with the error's responseCode.
      throw Object.assign(new Error('message exceeds the fixed maximum message size'), { responseCode: 552 });
    }
    const envelopeFrom = session.envelope.mailFrom;
    const mail: ReceivedMail = {
      id: nextId++,
      from: parsed.from?.text ?? (envelopeFrom ? envelopeFrom.address : ''),
      to: session.envelope.rcptTo.map((r) => r.address),
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      html: parsed.html || '',
      date: (parsed.date ?? new Date()).toISOString(),
    };
    messages.push(mail);
    if (messages.length > maxMessages) messages.splice(0, messages.length - maxMessages);
    arrivals.emit('mail', mail);
  };

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    closeTimeout: CLOSE_TIMEOUT_MS,
    logger: false,
    onAuth: (_auth, _session, callback) => callback(null, { user: 'sink' }),
    // The mail is stored before the client hears 250, so a sendMail that resolved can be read at once.
    onData: (stream, session, callback) => {
      receive(stream, session).then(
        () => callback(),
        (e: Error) => callback(e),
      );
    },
  });
  // Without a listener, a client that drops its connection would crash the process with an 'error' event.
  smtp.on('error', () => undefined);
  const port = await listen(smtp.server, opts.port ?? 0, host);

  const web = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://sink').pathname;
    if (path === '/messages' && req.method === 'GET') {
      const body = JSON.stringify(messages);
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' }).end(body);
    } else if (path === '/messages' && req.method === 'DELETE') {
      messages.length = 0;
      res.writeHead(204).end();
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('GET or DELETE /messages\n');
    }
  });
  let httpPort: number;
  try {
    httpPort = await listen(web, opts.httpPort ?? 0, host);
  } catch (e) {
    await new Promise<void>((resolve) => smtp.close(resolve));
    throw e;
  }

  const publicHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    smtpUrl: `smtp://${publicHost}:${port}`,
    port,
    mailUrl: `http://${publicHost}:${httpPort}/messages`,
    list: () => [...messages],
    clear: () => {
      messages.length = 0;
    },
    waitForMail(match, timeoutMs = DEFAULT_WAIT_MS) {
      const found = messages.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const onMail = (mail: ReceivedMail): void => {
          if (!match(mail)) return;
          clearTimeout(timer);
          arrivals.off('mail', onMail);
          resolve(mail);
        };
        const timer = setTimeout(() => {
          arrivals.off('mail', onMail);
          reject(new Error(`no matching mail within ${timeoutMs} ms (received ${messages.length})`));
        }, timeoutMs);
        arrivals.on('mail', onMail);
      });
    },
    async close() {
      web.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => smtp.close(resolve)),
        new Promise<void>((resolve) => web.close(() => resolve())),
      ]);
    },
  };
}
