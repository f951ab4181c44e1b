import { getConnectionToken } from '@nestjs/mongoose';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { Connection, createConnection } from 'mongoose';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import {
  MongoEmulator,
  SmtpSink,
  StreamEmulator,
  startMongoEmulator,
  startSmtpSink,
  startStreamEmulator,
} from 'offline-emulators';
import { StreamChat } from 'stream-chat';
import request from 'supertest';
import { AppModule } from '../src/app.module';
import { resolveEnvironment } from '../src/config/environment';
import { configureApp } from '../src/app.setup';
import { LOG_DESTINATION } from '../src/common/logging.module';

// Read once: createTestApp itself sets MONGODB_URI for the app it boots.
const EXTERNAL_MONGODB_URI = process.env.MONGODB_URI;

export const TEST_JWT_SECRET = 'test-jwt-secret-that-is-at-least-32-characters';
/** The key ring TOTP secrets are sealed under in tests (production requires one). */
export const TEST_MFA_KEYS = `test1:${Buffer.alloc(32, 'test-mfa-key').toString('base64')}`;

/** The production MongoDB deadlines (the harness's own are longer), for specs that check them. */
export const PRODUCTION_MONGO_DEADLINES = { MONGODB_TIMEOUT_MS: '700', MONGODB_MAX_TIME_MS: '500' };

/**
 * Stands in for the app's log destination (stdout in production): collects every JSON line the app writes,
 * application logs and access lines alike, so specs can assert what an operator would (and would not) see.
 */
export class LogCapture {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line.trimEnd());
  }
  /** Every line parsed (each must be one JSON object). */
  entries(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

export interface TestApp {
  app: NestExpressApplication;
  /** supertest against the app's HTTP server. */
  http: () => ReturnType<typeof request>;
  /** The Stream emulator behind the app: its state and fault switches. */
  stream: StreamEmulator;
  /** The SMTP sink the app mails through: what it received. */
  mail: SmtpSink;
  /** The MongoDB emulator, unless MONGODB_URI pointed the tests at a real server. */
  mongo?: MongoEmulator;
  /** The app's own Mongoose connection, to assert what was stored. */
  db: Connection;
  logs: LogCapture;
  /** Every response body the app has sent, for suite-wide leak scans. */
  bodies: string[];
  /** Empties every collection (keeping indexes) and the Stream emulator's state and faults. */
  reset: () => Promise<void>;
  close: () => Promise<void>;
}

/**
 * MongoDB (MONGODB_URI with a throwaway database, else a fresh emulator) and a Stream emulator, with
 * process.env pointing the app at them.
 */
async function startBackends(overrides: Record<string, string>) {
  let mongo: MongoEmulator | undefined;
  let mongoUri: string;
  const dbName = `test_${randomBytes(4).toString('hex')}`;
  if (EXTERNAL_MONGODB_URI) {
    const url = new URL(EXTERNAL_MONGODB_URI);
    url.pathname = `/${dbName}`;
    mongoUri = url.toString();
  } else {
    mongo = await startMongoEmulator({ port: 0 });
    mongoUri = `${mongo.uri.replace(/\/$/, '')}/${dbName}`;
  }
  const stream = await startStreamEmulator({ port: 0, taskDelayMs: 20 });
  const mail = await startSmtpSink();
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    MONGODB_URI: mongoUri,
    STREAM_API_KEY: stream.apiKey,
    STREAM_API_SECRET: stream.apiSecret,
    STREAM_BASE_URL: stream.baseUrl,
    SMTP_URL: mail.smtpUrl,
    JWT_SECRET_KEY: TEST_JWT_SECRET,
    MFA_ENCRYPTION_KEYS: TEST_MFA_KEYS,
    STREAM_TIMEOUT_MS: '1000',
    ...overrides,
  };
  Object.assign(process.env, env);
  // Only a real server's throwaway database needs dropping; an emulator's data dies with it.
  const dropDatabase = async (db: Connection) => {
    if (EXTERNAL_MONGODB_URI) await db.dropDatabase().catch(() => undefined);
  };
  return { mongo, mongoUri, stream, mail, env, dropDatabase };
}

/**
 * Boots the real Nest app exactly as main.ts does (same module, same configureApp) against a MongoDB
 * (MONGODB_URI if set, with a throwaway database, else the wire-protocol emulator), a Stream emulator and an
 * SMTP sink.
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const { mongo, stream, mail, dropDatabase } = await startBackends({
    BCRYPT_ROUNDS: '10',
    SYNC_INTERVAL_MS: '200',
    SYNC_BACKOFF_BASE_MS: '200',
    SYNC_BACKOFF_MAX_MS: '1000',
    THROTTLE_LOGIN_LIMIT: '1000',
    THROTTLE_SIGNUP_LIMIT: '1000',
    THROTTLE_PASSWORD_RESET_LIMIT: '1000',
    THROTTLE_EMAIL_VERIFICATION_LIMIT: '1000',
    // The app and the MongoDB emulator share this process's event loop, so a long pause of the test runner (a
    // transform, a collection) must not read as a stalled server; fault specs set PRODUCTION_MONGO_DEADLINES.
    MONGODB_TIMEOUT_MS: '5000',
    MONGODB_MAX_TIME_MS: '4000',
    ...env,
  });

  const logs = new LogCapture();
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(resolveEnvironment(process.env))],
  })
    .overrideProvider(LOG_DESTINATION)
    .useValue(logs)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  configureApp(app);
  await app.init();
  const db = app.get<Connection>(getConnectionToken());
  // Index builds run in the background after boot; a unique index a test relies on must exist before it starts.
  // With production deadlines a boot-time build can miss its pooled connection (waitQueueTimeoutMS) while the
  // shared event loop compiles the app: build them again then.
  await Promise.all(Object.values(db.models).map((model) => model.init().catch(() => model.createIndexes())));
  const bodies = captureBodies(app);

  const reset = async () => {
    await Promise.all(Object.values(db.collections).map((c) => c.deleteMany({})));
    stream.reset();
    mail.clear();
  };
  const close = async () => {
    await app.close();
    await dropDatabase(db);
    await Promise.all([stream.close(), mail.close()]);
    await mongo?.close().catch(() => undefined); // a spec may have closed it on purpose
  };
  return {
    app,
    http: () => request(app.getHttpServer()),
    stream,
    mail,
    mongo,
    db,
    logs,
    bodies,
    reset,
    close,
  };
}

function captureBodies(app: NestExpressApplication): string[] {
  const bodies: string[] = [];
  app.getHttpServer().prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    const keep = (chunk: unknown) => {
      if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) chunks.push(Buffer.from(chunk));
    };
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      keep(chunk);
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      keep(chunk);
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      return end(chunk, ...rest);
    }) as typeof res.end;
  });
  return bodies;
}

let counter = 0;
/** A unique, valid signup body. */
export const newAccount = (
  overrides: Partial<{ email: string; password: string; fullName: string }> = {},
) => {
  counter += 1;
  return {
    email: `user${counter}_${randomBytes(3).toString('hex')}@example.com`,
    password: 'correct horse battery',
    fullName: `User ${counter}`,
    ...overrides,
  };
};

/** The `jwt` cookie pair ("jwt=...") from a response's Set-Cookie header. */
export const authCookie = (res: request.Response): string => {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const jwt = cookies.find((c) => c.startsWith('jwt='));
  if (!jwt) throw new Error('no jwt cookie in response');
  return jwt.split(';')[0];
};

export interface SignedUpUser {
  id: string;
  cookie: string;
  email: string;
  password: string;
}

export async function signUp(
  t: TestApp,
  overrides: Parameters<typeof newAccount>[0] = {},
): Promise<SignedUpUser> {
  const body = newAccount(overrides);
  const res = await t.http().post('/api/auth/signup').send(body).expect(201);
  return { id: res.body.user._id, cookie: authCookie(res), email: body.email, password: body.password };
}

/** DELETE /api/users/me as this user, with this body (by default their password). */
export const deleteMyAccount = (t: TestApp, user: SignedUpUser, body: object = { password: user.password }) =>
  t.http().delete('/api/users/me').set('Cookie', user.cookie).send(body);

/** What a public profile of this user looks like in a response (the fields, not their values). */
export const publicProfileOf = (user: { id: string }) => ({
  _id: user.id,
  fullName: expect.any(String),
  profilePic: expect.any(String),
  bio: expect.any(String),
  nativeLanguage: expect.any(String),
  learningLanguage: expect.any(String),
  location: expect.any(String),
});

export const onboardingBody = (overrides: Record<string, string> = {}) => ({
  fullName: 'Ana Souza',
  bio: 'I like languages',
  nativeLanguage: 'portuguese',
  learningLanguage: 'english',
  location: 'Lisbon',
  ...overrides,
});

export async function signUpOnboarded(
  t: TestApp,
  profile: Record<string, string> = {},
): Promise<SignedUpUser> {
  const user = await signUp(t);
  await t
    .http()
    .put('/api/auth/onboarding')
    .set('Cookie', user.cookie)
    .send(onboardingBody(profile))
    .expect(200);
  return user;
}

export interface ChatToken {
  token: string;
  apiKey: string;
  userId: string;
  expiresAt: string;
}

/** GET /api/chats/token (or the seed's `path`) as this signed-in cookie. */
export async function chatToken(t: TestApp, cookie: string, path = '/api/chats/token'): Promise<ChatToken> {
  const res = await t.http().get(path).set('Cookie', cookie).expect(200);
  return res.body as ChatToken;
}

/** Connects a client-side stream-chat SDK, as a browser would, and reports what Stream answered. */
export async function connectChat(
  stream: StreamEmulator,
  userId: string,
  userToken: string,
): Promise<'ok' | number> {
  // allowServerSideConnect: this test plays the browser, from node.
  const client = new StreamChat(stream.apiKey, { baseURL: stream.baseUrl, allowServerSideConnect: true });
  client.defaultWSTimeout = 1000; // the SDK otherwise leaves a 15 s timer behind
  try {
    await client.connectUser({ id: userId }, userToken);
    return 'ok';
  } catch (error) {
    // The SDK rejects a refused WebSocket with Stream's error body as JSON text in the message.
    return (JSON.parse((error as Error).message) as { code: number }).code;
  } finally {
    await client.disconnectUser(50);
  }
}

/** Polls until `check` holds or the time runs out; for effects that are asynchronous by design. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface TestBackends {
  mongoUri: string;
  stream: StreamEmulator;
  /** A plain Mongoose connection to the same database, to seed and assert (no schemas, no app). */
  db: Connection;
  /** The env an app or a CLI process needs to use these backends (also applied to process.env). */
  env: Record<string, string>;
  reset: () => Promise<void>;
  close: () => Promise<void>;
}

/**
 * MongoDB (MONGODB_URI with a throwaway database, else the emulator) and a Stream emulator, with process.env
 * pointing at them, but no app: for CLI specs that boot their own Nest context (or a child process).
 */
export async function startTestBackends(env: Record<string, string> = {}): Promise<TestBackends> {
  const { mongo, mongoUri, stream, mail, env: fullEnv, dropDatabase } = await startBackends(env);
  const db = await createConnection(mongoUri).asPromise();
  const reset = async () => {
    const collections = await db.db!.collections();
    await Promise.all(collections.map((c) => c.deleteMany({})));
    stream.reset();
  };
  const close = async () => {
    await dropDatabase(db);
    await db.close();
    await Promise.all([stream.close(), mail.close()]);
    await mongo?.close().catch(() => undefined);
  };
  return { mongoUri, stream, db, env: fullEnv, reset, close };
}

export interface ApiProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>/api` */
  base: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output: () => string;
  /** How the process ended: `code 0`, `SIGKILL`… */
  exited: Promise<string>;
}

/**
 * Runs the built API (`node dist/main.js`; npm test builds first) the way an operator does, on a free port
 * (PORT=0: the start-up line names the port), and resolves once it listens.
 */
export async function spawnApi(env: Record<string, string>): Promise<ApiProcess> {
  let output = '';
  const child = spawn(process.execPath, [join(__dirname, '..', 'dist', 'main.js')], {
    env: { PATH: process.env.PATH, PORT: '0', ...env },
  });
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)),
  );
  const deadline = Date.now() + 30_000;
  for (;;) {
    const port = /API listening on http:\/\/localhost:(\d+)\//.exec(output)?.[1];
    if (port) return { child, base: `http://127.0.0.1:${port}/api`, output: () => output, exited };
    if (child.exitCode !== null) throw new Error(`API exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`API did not come up:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
