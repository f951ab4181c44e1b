import { Secret, TOTP } from 'otpauth';
import type request from 'supertest';
import type { TestApp } from './harness';

const PERIOD_MS = 30_000;

/** The authenticator app of a test: codes computed from the enrolled secret, as a phone would. */
export class TestAuthenticator {
  private readonly totp: TOTP;

  constructor(readonly secret: string) {
    this.totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
  }

  /**
   * The code of the time step `offset` steps from now. Waits out the last 3 s of a step first, so the server
   * checks it in the step it was computed for.
   */
  async code(offset = 0): Promise<string> {
    const left = TOTP.remaining({ period: 30 });
    if (left < 3000) await new Promise((resolve) => setTimeout(resolve, left + 50));
    return this.totp.generate({ timestamp: Date.now() + offset * PERIOD_MS });
  }

  /** Six digits that are no code of the steps around now (±2). */
  async wrongCode(): Promise<string> {
    const near = await Promise.all([-2, -1, 0, 1, 2].map((o) => this.code(o)));
    let n = 0;
    while (near.includes(String(n).padStart(6, '0'))) n += 1;
    return String(n).padStart(6, '0');
  }
}

/** The `mfa_pending` cookie pair from a response, if it set one. */
export const pendingCookie = (res: request.Response): string | undefined =>
  ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .find((c) => c.startsWith('mfa_pending=') && !c.startsWith('mfa_pending=;'))
    ?.split(';')[0];

/** Enrolls and activates TOTP for the signed-in cookie: the authenticator and the recovery codes. */
export async function activateTotp(
  t: TestApp,
  cookie: string,
): Promise<{ app: TestAuthenticator; recoveryCodes: string[] }> {
  const enrolled = await t.http().post('/api/auth/mfa/totp').set('Cookie', cookie).expect(201);
  const app = new TestAuthenticator(enrolled.body.secret as string);
  // The previous step: the current and the next stay free for the sign-ins that follow.
  const verified = await t
    .http()
    .post('/api/auth/mfa/totp/verify')
    .set('Cookie', cookie)
    .send({ code: await app.code(-1) })
    .expect(200);
  return { app, recoveryCodes: verified.body.recoveryCodes as string[] };
}
