import { createTestApp, eventually, signUp, TestApp } from './harness';

const accessLines = (t: TestApp) => t.logs.entries().filter((e) => e.msg === 'request completed');

describe('Logs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('writes one JSON line per request: request id, method, route pattern, status, duration, user', async () => {
    const user = await signUp(t);
    const res = await t
      .http()
      .get('/api/chats/token')
      .set('Cookie', user.cookie)
      .set('X-Request-Id', 'edge-7f3a.42')
      .expect(200);
    expect(res.headers['x-request-id']).toBe('edge-7f3a.42');
    const lines = accessLines(t).filter((e) => e.requestId === 'edge-7f3a.42');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        method: 'GET',
        route: '/api/chats/token',
        path: '/api/chats/token',
        status: 200,
        durationMs: expect.any(Number) as number,
        userId: user.id,
      }),
    ]);
  });

  it('gives a request without a usable X-Request-Id a new one, and echoes it', async () => {
    const res = await t.http().get('/api/health').set('X-Request-Id', 'no spaces <or> markup');
    const id = res.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(accessLines(t).filter((e) => e.requestId === id)).toHaveLength(1);
  });

  it("carries the request's id on the lines logged while serving it, and only on those", async () => {
    const [a, b] = [await signUp(t), await signUp(t)];
    await t
      .http()
      .post(`/api/users/blocks/${b.id}`)
      .set('Cookie', a.cookie)
      .set('X-Request-Id', 'block-req-1')
      .expect(201);
    const line = t.logs.entries().find((e) => e.msg === `user ${a.id} blocked ${b.id}`);
    expect(line).toMatchObject({ requestId: 'block-req-1', context: 'BlocksService' });
    const started = t.logs.entries().find((e) => e.msg === 'Nest application successfully started');
    expect(started).not.toHaveProperty('requestId');
  });

  it('logs a 404 too, with its path and no route pattern', async () => {
    const res = await t.http().get('/api/no-such-thing').expect(404);
    const line = accessLines(t).find((e) => e.requestId === res.headers['x-request-id']);
    expect(line).toMatchObject({ method: 'GET', path: '/api/no-such-thing', status: 404 });
    expect(line).not.toHaveProperty('route');
  });

  it('logs a body refused before any route (malformed JSON, too large) with its request id', async () => {
    for (const [body, status] of [
      ['{"email":', 400],
      [JSON.stringify({ pad: 'x'.repeat(200_000) }), 413],
    ] as const) {
      const res = await t
        .http()
        .post('/api/auth/login')
        .set('Content-Type', 'application/json')
        .set('X-Request-Id', `refused-${status}`)
        .send(body)
        .expect(status);
      expect(res.headers['x-request-id']).toBe(`refused-${status}`);
      const line = accessLines(t).find((e) => e.requestId === `refused-${status}`);
      expect(line).toMatchObject({ method: 'POST', path: '/api/auth/login', status });
    }
  });

  it('never writes headers, cookies or query strings', async () => {
    const user = await signUp(t);
    await t
      .http()
      .get('/api/auth/me?marker=query-string-marker')
      .set('Cookie', user.cookie)
      .set('X-Api-Key', 'header-marker-token')
      .expect(200);
    const all = t.logs.lines.join('\n');
    expect(all).not.toContain(user.cookie.slice('jwt='.length));
    expect(all).not.toContain('header-marker-token');
    expect(all).not.toContain('query-string-marker');
    expect(all).not.toMatch(/"headers"|"cookie"|"authorization"/i);
  });

  it("sends Nest's own logs through the same JSON logger, and boots without a route warning", () => {
    const entries = t.logs.entries(); // throws if any line is not JSON
    expect(entries).toContainEqual(
      expect.objectContaining({ context: 'NestApplication', msg: 'Nest application successfully started' }),
    );
    expect(entries.filter((e) => e.context === 'LegacyRouteConverter')).toEqual([]);
  });
});

describe('LOG_LEVEL=info', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'info' });
  });
  afterAll(() => t.close());

  it('keeps probe and scrape lines (debug) out, and traffic in', async () => {
    await t.http().get('/api/health/live').expect(200);
    await t.http().get('/api/health/ready').expect(200);
    await t.http().get('/api/health').expect(200);
    expect(accessLines(t).map((e) => e.path)).toEqual(['/api/health']);
  });
});

/** The value of one sample in Prometheus' text format (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text
    .split('\n')
    .find(
      (l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && wanted.every((w) => l.includes(w)),
    );
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('GET /metrics', () => {
  const TOKEN = 'metrics-token-for-tests-0123';
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ METRICS_TOKEN: TOKEN, THROTTLE_LOGIN_LIMIT: '2' });
  });
  afterAll(() => t.close());

  const scrape = async () => {
    const res = await t.http().get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    return res.text;
  };

  it('answers only with the bearer token when METRICS_TOKEN is set, and only outside /api', async () => {
    await t.http().get('/metrics').expect(401);
    await t.http().get('/metrics').set('Authorization', `Bearer ${TOKEN}x`).expect(401);
    await t.http().get('/api/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(404);
    const text = await scrape();
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('times requests by method, route pattern and status, 404s as unmatched', async () => {
    await t.http().get('/api/health/live').expect(200);
    await t.http().get('/api/missing/123').expect(404);
    const text = await scrape();
    const live = { method: 'GET', route: '/api/health/live', status: '200' };
    expect(sample(text, 'http_request_duration_seconds_count', live)).toBeGreaterThanOrEqual(1);
    const missing = { method: 'GET', route: 'unmatched', status: '404' };
    expect(sample(text, 'http_request_duration_seconds_count', missing)).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('/api/missing/123');
  });

  it('counts logins by outcome and the attempts a rate limit refused', async () => {
    const before = await scrape();
    const user = await signUp(t);
    await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(200);
    await t
      .http()
      .post('/api/auth/login')
      .send({ email: user.email, password: 'not-the-password' })
      .expect(401);
    await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(429);
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(delta('auth_logins_total', { outcome: 'success' })).toBe(1);
    expect(delta('auth_logins_total', { outcome: 'invalid_credentials' })).toBe(1);
    expect(delta('http_requests_rate_limited_total', { route: '/api/auth/login' })).toBe(1);
  });

  it('times Stream calls, counts their errors by retryable, and follows the sync and its backlog', async () => {
    const before = await scrape();
    t.stream.faults.refuseConnections(true);
    const user = await signUp(t);
    expect(sample(await scrape(), 'stream_sync_pending_users')).toBe(1);
    t.stream.faults.refuseConnections(false);
    await eventually(() => t.stream.state.users.has(user.id));
    await eventually(async () => sample(await scrape(), 'stream_sync_pending_users') === 0);
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(
      delta('stream_call_errors_total', { operation: 'upsertUsers', retryable: 'true' }),
    ).toBeGreaterThan(0);
    expect(delta('stream_call_duration_seconds_count', { operation: 'upsertUsers', outcome: 'ok' })).toBe(1);
    expect(delta('stream_sync_pushes_total', { outcome: 'failed' })).toBeGreaterThan(0);
    expect(delta('stream_sync_pushes_total', { outcome: 'synced' })).toBe(1);
  });
});
