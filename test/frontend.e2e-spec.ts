import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, TestApp } from './harness';

const INDEX = '<!doctype html><div id="root"></div><script src="/assets/app.js"></script>';

describe('The built frontend served with the API (FRONTEND_DIST)', () => {
  let t: TestApp;

  beforeAll(async () => {
    const dist = mkdtempSync(join(tmpdir(), 'frontend-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'app.js'), 'console.log("app")');
    t = await createTestApp({ FRONTEND_DIST: dist });
  });

  afterAll(async () => {
    await t.close();
  });

  it('serves the SPA at /, its assets, and index.html for the routes the SPA handles', async () => {
    const home = await t.http().get('/').expect(200);
    expect(home.text).toBe(INDEX);
    const asset = await t.http().get('/assets/app.js').expect(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    for (const route of ['/friends', '/chat/64f0c0ffee0000000000abcd', '/onboarding']) {
      expect((await t.http().get(route).expect(200)).text).toBe(INDEX);
    }
  });

  it('leaves the API, its errors and its docs untouched', async () => {
    const missing = await t.http().get('/api/no-such-endpoint').expect(404);
    expect(missing.body).toEqual({
      statusCode: 404,
      message: 'Cannot GET /api/no-such-endpoint',
      error: 'Not Found',
    });
    await t.http().get('/api/auth/me').expect(401);
    expect((await t.http().get('/api/docs-json').expect(200)).body.info.title).toBe('Lingo exchange API');
    expect((await t.http().get('/api/docs').expect(200)).text).not.toBe(INDEX);
  });

  it("lets the SPA's pages reach Stream and avatar hosts under the content security policy", async () => {
    const csp = (await t.http().get('/').expect(200)).headers['content-security-policy'];
    expect(csp).toMatch(/connect-src 'self' https: wss:/);
    expect(csp).toMatch(/img-src 'self' data: https:/);
  });
});
