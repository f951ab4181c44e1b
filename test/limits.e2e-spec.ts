import { waitInWords } from '../src/common/too-many-requests';
import type { Response } from 'supertest';
import { createTestApp, newAccount, signUpOnboarded, TestApp } from './harness';

/**
 * Every limit that answers 429, walked to its end: each refusal says how long to wait in `Retry-After` and the same
 * wait in words, in the standard error body.
 */
describe('Every 429 carries Retry-After and the wait in words', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      // The clients are told apart by X-Forwarded-For from the loopback "proxy".
      TRUST_PROXY: 'loopback',
      THROTTLE_LOGIN_LIMIT: '3',
      THROTTLE_SIGNUP_LIMIT: '2',
      THROTTLE_PASSWORD_RESET_LIMIT: '2',
      THROTTLE_EMAIL_VERIFICATION_LIMIT: '2',
      THROTTLE_ACCOUNT_LOGIN_LIMIT: '2',
      THROTTLE_ACCOUNT_LOGIN_CEILING: '3',
      PASSWORD_RESET_EMAIL_LIMIT: '1',
      EMAIL_VERIFICATION_MAIL_LIMIT: '1',
      EXPORT_DAILY_LIMIT: '1',
    });
  });
  afterAll(() => t.close());

  let clients = 0;
  /** A client address of its own, so each limit is reached by its own requests only. */
  const newClient = () => `198.51.100.${(clients += 1)}`;
  const from = (client: string) => ({
    post: (path: string, body: object) =>
      t.http().post(`/api/auth/${path}`).set('X-Forwarded-For', client).send(body),
  });

  /** Sends until the first non-`expected` answer, which must be the 429; returns how many were allowed. */
  const untilRefused = async (send: () => Promise<Response>, expected: number) => {
    for (let allowed = 0; allowed < 20; allowed++) {
      const res = await send();
      if (res.status !== expected) return { allowed, refusal: res };
    }
    throw new Error('never refused');
  };

  const expectWait = (res: Response, what: string) => {
    expect(res.status).toBe(429);
    const seconds = Number(res.headers['retry-after']);
    expect(Number.isInteger(seconds) && seconds > 0).toBe(true);
    expect(res.body).toEqual({
      statusCode: 429,
      message: expect.stringContaining(`${what}: try again in ${waitInWords(seconds)}`),
      error: 'Too Many Requests',
    });
  };

  it.each([
    // Each request names another account, so that only the per-client limit is reached.
    ['login', 3, 401, () => ({ email: newAccount().email, password: 'wrong' })],
    ['signup', 2, 201, () => newAccount()],
    ['password/forgot', 2, 202, () => ({ email: newAccount().email })],
    ['email/verification', 2, 202, () => ({ email: newAccount().email })],
  ])('per client on %s', async (path, limit, expected, body) => {
    const client = from(newClient());
    const { allowed, refusal } = await untilRefused(() => client.post(path, body()), expected);
    expect(allowed).toBe(limit);
    expectWait(refusal, 'Too many attempts');
  });

  it('per account from one client, and per account from every client (the ceiling)', async () => {
    const owner = await signUpOnboarded(t);
    const attacker = from(newClient());
    const guess = () => attacker.post('login', { email: owner.email, password: 'guess' });
    const { allowed, refusal } = await untilRefused(guess, 401);
    expect(allowed).toBe(2);
    expectWait(refusal, 'Too many failed sign-in attempts for this account from your address');

    await from(newClient()).post('login', { email: owner.email, password: 'guess' }).expect(401);
    const everywhere = await from(newClient()).post('login', {
      email: owner.email,
      password: owner.password,
    });
    expectWait(everywhere, 'Too many failed sign-in attempts for this account');
    expect(everywhere.body.message).toMatch(/, or reset your password to sign in now$/);
  });

  it('per address on password reset mails and on verification mails', async () => {
    const { email } = newAccount();
    await from(newClient()).post('password/forgot', { email }).expect(202);
    expectWait(
      await from(newClient()).post('password/forgot', { email }),
      'Too many reset requests for this email',
    );

    await from(newClient()).post('email/verification', { email }).expect(202);
    expectWait(
      await from(newClient()).post('email/verification', { email }),
      'Too many verification mails for this address or account',
    );
  });

  it('per user on data exports', async () => {
    const user = await signUpOnboarded(t);
    const exportMine = () => t.http().get('/api/users/me/export').set('Cookie', user.cookie);
    await exportMine().expect(200);
    expectWait(await exportMine(), 'Data export limit reached (1 per day)');
  });
});
