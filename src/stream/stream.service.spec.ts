import jwt from 'jsonwebtoken';
import { Counter, Histogram } from 'prom-client';
import { startStreamEmulator } from 'offline-emulators';
import { StreamChat } from 'stream-chat';
import { revocationCutOff, StreamService, TOKEN_CLOCK_SKEW_SECONDS } from './stream.service';

const SECRET = 'unit-test-stream-secret-0123456789';
const config = {
  apiKey: 'key',
  apiSecret: SECRET,
  timeoutMs: 2000,
  tokenTtlSeconds: 3600,
  taskTimeoutMs: 1000,
};
// Metrics outside any registry: these tests are about tokens and errors, not exposition.
const service = (overrides: Record<string, unknown> = {}) =>
  new StreamService(
    { ...config, ...overrides } as never,
    new Histogram({
      name: 'stream_call_duration_seconds',
      help: '-',
      labelNames: ['operation', 'outcome'],
      registers: [],
    }),
    new Counter({
      name: 'stream_call_errors_total',
      help: '-',
      labelNames: ['operation', 'retryable'],
      registers: [],
    }),
  );
const claims = (token: string) =>
  jwt.verify(token, SECRET, { algorithms: ['HS256'] }) as Record<string, number>;

describe('StreamService tokens', () => {
  const now = new Date('2026-11-25T10:00:00.400Z');
  const nowSec = Math.floor(now.getTime() / 1000);

  beforeEach(() => jest.useFakeTimers({ now, doNotFake: ['nextTick', 'setImmediate'] }));
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  const sessionEnd = nowSec + 7 * 86400;

  it('signs user_id, a back-dated iat and exp = the session end, capped at now + TTL when set', () => {
    const { token, expiresAt } = service().createUserToken('u1', sessionEnd);
    expect(claims(token)).toMatchObject({
      user_id: 'u1',
      iat: nowSec - TOKEN_CLOCK_SKEW_SECONDS,
      exp: nowSec + 3600,
    });
    expect(expiresAt.getTime()).toBe((nowSec + 3600) * 1000);
    expect(claims(service().createUserToken('u1', nowSec + 60).token).exp).toBe(nowSec + 60);
  });

  it('lets the token live as long as the session when no TTL is set', () => {
    const uncapped = service({ tokenTtlSeconds: undefined });
    expect(claims(uncapped.createUserToken('u1', sessionEnd).token).exp).toBe(sessionEnd);
  });

  it('never issues a token Stream would count as revoked after a revocation', () => {
    const s = service();
    const before = claims(s.createUserToken('u1', sessionEnd).token);

    const cutOff = revocationCutOff();
    const revokedBeforeMs = cutOff * 1000;
    // Stream revokes tokens whose iat (seconds) lies before revoke_tokens_issued_before (ms).
    expect(before.iat * 1000).toBeLessThan(revokedBeforeMs);

    const after = claims(s.createUserToken('u1', sessionEnd, cutOff).token);
    expect(after.iat * 1000).toBeGreaterThanOrEqual(revokedBeforeMs);
    expect(after.iat).toBeLessThanOrEqual(nowSec); // still not in Stream's future (error 42)
  });
});

describe('StreamService against the Stream emulator', () => {
  let emulator: Awaited<ReturnType<typeof startStreamEmulator>>;
  beforeAll(async () => {
    emulator = await startStreamEmulator({ port: 0 });
  });
  afterAll(() => emulator.close());

  it('keeps no channel in memory after opening one: a server opens a new one per pair of friends', async () => {
    const s = service({ apiKey: emulator.apiKey, apiSecret: emulator.apiSecret, baseUrl: emulator.baseUrl });
    const ids = Array.from({ length: 6 }, (_, i) => `soak-user-${i}`);
    await s.upsertUsers(ids.map((id) => ({ id, name: id, image: '', role: 'user' })));
    for (const other of ids.slice(1)) {
      await s.ensureChannel('messaging', `${ids[0]}-${other}`, [ids[0], other], ids[0]);
      await s.ensureChannel('messaging', `${ids[0]}-${other}`, [ids[0], other], ids[0]); // the existing one
    }
    const client = (s as unknown as { client: StreamChat }).client;
    expect(Object.keys(client.activeChannels)).toEqual([]);
  });
});
