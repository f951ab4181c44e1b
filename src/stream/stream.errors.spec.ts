import { StreamError, toStreamError } from './stream.errors';

const httpError = (status: number, code?: number, headers: Record<string, unknown> = {}) => ({
  status,
  code,
  response: { status, data: { code, message: 'UpsertUsers failed with error: "x"' }, headers },
});

describe('toStreamError', () => {
  it('treats a 5xx answer as retryable unavailability', () => {
    const error = toStreamError('upsertUsers', httpError(503));
    expect(error).toMatchObject({ kind: 'unavailable', status: 503, retryable: true });
  });

  it('treats a 4xx validation answer as a non-retryable rejection that keeps Stream code', () => {
    const error = toStreamError('createChannel', httpError(400, 4));
    expect(error).toMatchObject({ kind: 'rejected', status: 400, code: 4, retryable: false });
  });

  it('treats bad credentials as a non-retryable auth failure', () => {
    expect(toStreamError('upsertUsers', httpError(401, 43))).toMatchObject({
      kind: 'auth',
      retryable: false,
    });
  });

  it('reads the rate-limit reset so callers can wait exactly long enough', () => {
    const resetAt = Math.floor(Date.now() / 1000) + 30;
    const error = toStreamError('deleteUsers', httpError(429, 9, { 'x-ratelimit-reset': String(resetAt) }));
    expect(error.kind).toBe('rate-limited');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBeGreaterThan(25_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('maps axios timeouts and refused connections to retryable errors', () => {
    expect(
      toStreamError('op', { code: 'ECONNABORTED', message: 'timeout of 2000ms exceeded' }),
    ).toMatchObject({
      kind: 'timeout',
      retryable: true,
    });
    expect(toStreamError('op', { code: 'ECONNREFUSED' })).toMatchObject({
      kind: 'unavailable',
      retryable: true,
    });
  });

  it('never copies request config (which holds the signed server token) into the error', () => {
    const sdkError = { ...httpError(500), config: { headers: { Authorization: 'secret-token' } } };
    const error = toStreamError('op', sdkError);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('secret-token');
  });

  it('passes a StreamError through unchanged', () => {
    const original = new StreamError('timeout', 'x');
    expect(toStreamError('op', original)).toBe(original);
  });
});
