import { createTestApp, TestApp } from './harness';

describe('Health and API docs', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Every probe asks Stream (no reuse), so a fault shows at once.
    t = await createTestApp({ HEALTH_STREAM_CACHE_MS: '0' });
  });
  afterAll(() => t.close());

  it('GET /api/health reports MongoDB and Stream up', async () => {
    const res = await t.http().get('/api/health').expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      info: { mongodb: { status: 'up' }, stream: { status: 'up', reachable: true, pendingSyncs: 0 } },
    });
  });

  it('GET /api/health/live answers without touching MongoDB or Stream', async () => {
    const streamCalls = t.stream.state.requests.length;
    const res = await t.http().get('/api/health/live').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(t.stream.state.requests.length).toBe(streamCalls);
  });

  it('GET /api/health/ready answers 200 while MongoDB answers and no shutdown has started', async () => {
    const res = await t.http().get('/api/health/ready').expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      info: { mongodb: { status: 'up' }, shutdown: { status: 'up' } },
    });
  });

  it('stays 200 while Stream is down, reporting it unreachable', async () => {
    t.stream.faults.refuseConnections(true);
    const res = await t.http().get('/api/health').expect(200);
    t.stream.faults.refuseConnections(false);
    expect(res.body.info.stream).toMatchObject({ status: 'up', reachable: false });
    expect(JSON.stringify(res.body)).not.toContain(t.stream.apiSecret);
  });

  it('serves the OpenAPI document with every route and the Swagger UI', async () => {
    const res = await t.http().get('/api/docs-json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/signup',
        '/api/auth/login',
        '/api/auth/onboarding',
        '/api/auth/me',
        '/api/chats/token',
        '/api/chats/channels/direct/{userId}',
        '/api/health',
      ]),
    );
    await t.http().get('/api/docs').expect(200);
  });

  it('allows credentialed CORS from CORS_ORIGIN only, and sets security headers', async () => {
    const allowed = await t
      .http()
      .options('/api/auth/login')
      .set('Origin', 'http://localhost:5173')
      .set('Access-Control-Request-Method', 'POST');
    expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    const foreign = await t
      .http()
      .options('/api/auth/login')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();

    const res = await t.http().get('/api/health');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('answers an unknown route with the standard 404 body', async () => {
    const res = await t.http().get('/api/nope').expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  // Last: it takes MongoDB away for good.
  it('GET /api/health and /api/health/ready answer 503 when MongoDB is unreachable; liveness stays 200', async () => {
    if (!t.mongo) throw new Error('needs the MongoDB emulator (run without MONGODB_URI)');
    await t.mongo.close();
    const res = await t.http().get('/api/health').expect(503);
    expect(res.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', status: 'error' });
    expect(res.body.details.mongodb.status).toBe('down');
    const ready = await t.http().get('/api/health/ready').expect(503);
    expect(ready.body.details.mongodb.status).toBe('down');
    await t.http().get('/api/health/live').expect(200);
  });
});

describe('Stream reachability in GET /api/health', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ HEALTH_STREAM_CACHE_MS: '60000' });
  });
  afterAll(() => t.close());

  const streamPings = () => t.stream.state.requests.filter((r) => r.path === '/app').length;

  it('costs one Stream call per HEALTH_STREAM_CACHE_MS, whatever the probe rate', async () => {
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => t.http().get('/api/health')));
    t.stream.faults.refuseConnections(true);
    const later = await t.http().get('/api/health').expect(200);
    t.stream.faults.refuseConnections(false);
    expect(concurrent.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(streamPings()).toBe(1);
    // Within the interval the last answer stands, with the time it was taken.
    expect(later.body.info.stream).toMatchObject({
      reachable: true,
      checkedAt: concurrent[0].body.info.stream.checkedAt,
    });
  });
});
