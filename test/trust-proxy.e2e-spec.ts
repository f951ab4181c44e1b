import type { AddressInfo } from 'node:net';
import { createTestApp, newAccount, TestApp } from './harness';
import { probe } from './http-probe';

// Express takes the client address from X-Forwarded-For only as far as TRUST_PROXY allows; every per-client limit
// keys on that address. Any 127.x.y.z reaches the app on Linux, so 127.0.0.1 plays the proxy and 127.0.0.2 a client.
describe('TRUST_PROXY', () => {
  const warnings = (t: TestApp) =>
    // pino's level 40: warn
    t.logs.entries().filter((e) => e.level === 40 && String(e.msg).startsWith('TRUST_PROXY='));

  it('warns at start-up that a hop count lets a client with nothing in front choose its address', async () => {
    const t = await createTestApp({ TRUST_PROXY: '1' });
    try {
      expect(warnings(t)).toEqual([
        expect.objectContaining({
          context: 'Bootstrap',
          msg: expect.stringMatching(/picks its own address/),
        }),
      ]);
    } finally {
      await t.close();
    }
  });

  describe('set to the proxy address', () => {
    let t: TestApp;
    let base: string;
    beforeAll(async () => {
      t = await createTestApp({ TRUST_PROXY: '127.0.0.1', THROTTLE_LOGIN_LIMIT: '3' });
      await t.app.listen(0, '127.0.0.1');
      base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}/api`;
    });
    afterAll(() => t.close());

    it('logs no warning', () => {
      expect(warnings(t)).toEqual([]);
    });

    it('ignores X-Forwarded-For from anyone else: a client cannot pass the login limit by naming new addresses', async () => {
      const { email } = newAccount();
      const login = (localAddress: string, forwardedFor: string) =>
        probe(`${base}/auth/login`, {
          method: 'POST',
          localAddress,
          headers: { 'x-forwarded-for': forwardedFor },
          body: { email, password: 'wrong-password' },
        });
      for (let i = 1; i <= 3; i++) expect((await login('127.0.0.2', `198.51.100.${i}`)).status).toBe(401);
      expect((await login('127.0.0.2', '198.51.100.4')).status).toBe(429);
      // The proxy's word is taken: the client it forwards for has its own count.
      expect((await login('127.0.0.1', '203.0.113.9')).status).toBe(401);
    });
  });
});
