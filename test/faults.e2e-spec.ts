import request from 'supertest';
import {
  createTestApp,
  eventually,
  PRODUCTION_MONGO_DEADLINES,
  signUpOnboarded,
  SignedUpUser,
  TestApp,
} from './harness';

/**
 * MongoDB outages as an operator meets them: a stalled server (accepts connections, never answers) and one that
 * refuses connections. Clients must get a quick 503 with Retry-After from data endpoints and the health check,
 * never a hang or a 500, and the service must come back by itself once MongoDB answers again. The response
 * deadline is the promise made to clients (2 s), not a benchmark.
 */
const DEADLINE = { response: 2_000, deadline: 2_000 };

describe('MongoDB outages', () => {
  let t: TestApp;
  let me: SignedUpUser;

  beforeAll(async () => {
    // The production defaults: the 503s must come within 2 s with them.
    t = await createTestApp(PRODUCTION_MONGO_DEADLINES);
    me = await signUpOnboarded(t);
  });
  afterAll(async () => {
    await t.mongo?.setFault('none');
    await t.close();
  });

  const data = () => t.http().get('/api/auth/me').set('Cookie', me.cookie).timeout(DEADLINE);
  const health = () => t.http().get('/api/health').timeout(DEADLINE);

  const expectUnavailable = (res: request.Response) => {
    expect(res.status).toBe(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect(typeof res.body.message).toBe('string');
  };

  for (const fault of ['stall', 'refuse'] as const) {
    it(`${fault}: answers 503 within 2 s on a data endpoint and the health check, then recovers without a restart`, async () => {
      await t.mongo!.setFault(fault);
      try {
        expectUnavailable(await data());
        expect((await health()).status).toBe(503);
        // Still quick once the driver has noticed: no request queues behind the outage.
        expectUnavailable(await data());
      } finally {
        await t.mongo!.setFault('none');
      }
      await eventually(async () => (await data()).status === 200);
      expect((await data()).body.user._id).toBe(me.id);
      await eventually(async () => (await health()).status === 200);
    });
  }

  it('under 16 concurrent requests a stalled MongoDB answers every one 503 within 2 s, waiting for a pooled connection included', async () => {
    await t.mongo!.setFault('stall');
    try {
      // More requests than the driver opens connections at once (2): most wait in the pool's queue.
      const started = Date.now();
      const answers = await Promise.all(
        Array.from({ length: 16 }, () => data().then((res) => ({ res, ms: Date.now() - started }))),
      );
      for (const { res } of answers) expectUnavailable(res);
    } finally {
      await t.mongo!.setFault('none');
    }
    await eventually(async () => (await data()).status === 200);
  });

  it('a write during an outage is a 503 and stores nothing', async () => {
    await t.mongo!.setFault('refuse');
    try {
      const res = await t.http().put('/api/auth/onboarding').set('Cookie', me.cookie).timeout(DEADLINE).send({
        fullName: 'Changed During Outage',
        bio: 'x',
        nativeLanguage: 'german',
        learningLanguage: 'french',
        location: 'Nowhere',
      });
      expectUnavailable(res);
    } finally {
      await t.mongo!.setFault('none');
    }
    await eventually(async () => (await data()).status === 200);
    expect((await data()).body.user.fullName).not.toBe('Changed During Outage');
  });
});
