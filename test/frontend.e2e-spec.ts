import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiProcess, spawnApi, startTestBackends, TestBackends } from './harness';

const INDEX = '<!doctype html><div id="root"></div><script src="/assets/app.js"></script>';

// The built entry point, as an operator runs it: serve-static picks its Express loader from the HTTP adapter
// the app is created with, which only the real bootstrap has while the modules are instantiated.
describe('The built frontend served with the API (FRONTEND_DIST)', () => {
  let b: TestBackends;
  let api: ApiProcess;
  let root: string;
  const get = (path: string) => fetch(`${root}${path}`);

  beforeAll(async () => {
    const dist = mkdtempSync(join(tmpdir(), 'frontend-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'app.js'), 'console.log("app")');
    b = await startTestBackends();
    api = await spawnApi({ ...b.env, FRONTEND_DIST: dist, TRUST_PROXY: 'loopback' });
    root = api.base.replace(/\/api$/, '');
  });

  afterAll(async () => {
    api.child.kill('SIGKILL');
    await b.close();
  });

  it('serves the SPA at /, its assets, and index.html for the routes the SPA handles', async () => {
    const home = await get('/');
    expect(home.status).toBe(200);
    expect(await home.text()).toBe(INDEX);
    const asset = await get('/assets/app.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    for (const route of ['/friends', '/chat/64f0c0ffee0000000000abcd', '/onboarding']) {
      const page = await get(route);
      expect(page.status).toBe(200);
      expect(await page.text()).toBe(INDEX);
    }
  });

  it('leaves the API, its errors and its docs untouched', async () => {
    const missing = await get('/api/no-such-endpoint');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      statusCode: 404,
      message: 'Cannot GET /api/no-such-endpoint',
      error: 'Not Found',
    });
    expect((await get('/api/auth/me')).status).toBe(401);
    const docsJson = (await (await get('/api/docs-json')).json()) as { info: { title: string } };
    expect(docsJson.info.title).toBe('Lingo exchange API');
    expect(await (await get('/api/docs')).text()).not.toBe(INDEX);
  });

  it("lets the SPA's pages reach Stream (the configured http and ws origins too) and avatar hosts", async () => {
    const csp = (await get('/')).headers.get('content-security-policy');
    const stream = new URL(b.stream.baseUrl).origin;
    const ws = stream.replace('http', 'ws').replace(':3030', ':8800');
    expect(csp).toContain(`connect-src 'self' https: wss: ${stream} ${ws}`);
    expect(csp).toMatch(/img-src 'self' data: https:/);
  });

  it('upgrades insecure requests only for a page served over https (X-Forwarded-Proto from a trusted proxy)', async () => {
    expect((await get('/')).headers.get('content-security-policy')).not.toContain(
      'upgrade-insecure-requests',
    );
    const overHttps = await fetch(`${root}/`, { headers: { 'X-Forwarded-Proto': 'https' } });
    expect(overHttps.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
  });
});
