/** Why a Stream call failed, in terms a caller can act on. */
export type StreamErrorKind = 'timeout' | 'unavailable' | 'rate-limited' | 'rejected' | 'auth';

/**
 * The only error StreamService throws. It carries no request config, headers or tokens (the SDK's own errors
 * do), so it is safe to log. `retryable` says whether the same call may succeed later.
 */
export class StreamError extends Error {
  override readonly name = 'StreamError';

  constructor(
    readonly kind: StreamErrorKind,
    message: string,
    readonly status?: number,
    readonly code?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  get retryable(): boolean {
    return this.kind === 'timeout' || this.kind === 'unavailable' || this.kind === 'rate-limited';
  }
}

interface SdkErrorShape {
  code?: unknown;
  status?: unknown;
  message?: unknown;
  response?: {
    status?: number;
    data?: { code?: number; message?: string };
    headers?: Record<string, unknown>;
  };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ETIMEDOUT']);

/** Maps whatever the stream-chat SDK (axios underneath) threw to a StreamError. */
export function toStreamError(operation: string, error: unknown): StreamError {
  if (error instanceof StreamError) return error;
  const e = (error ?? {}) as SdkErrorShape;
  const status = typeof e.status === 'number' ? e.status : e.response?.status;
  const streamCode = e.response?.data?.code ?? (typeof e.code === 'number' ? e.code : undefined);
  if (status === undefined) {
    const networkCode = typeof e.code === 'string' ? e.code : undefined;
    if (networkCode === 'ECONNABORTED' || networkCode === 'ERR_CANCELED' || networkCode === 'ETIMEDOUT') {
      return new StreamError('timeout', `${operation}: Stream did not answer in time`);
    }
    if (networkCode && NETWORK_CODES.has(networkCode)) {
      return new StreamError('unavailable', `${operation}: Stream unreachable (${networkCode})`);
    }
    return new StreamError(
      'unavailable',
      `${operation}: ${typeof e.message === 'string' ? e.message : 'unknown error'}`,
    );
  }
  const detail = e.response?.data?.message ?? `HTTP ${status}`;
  const message = `${operation}: ${detail}`;
  if (status === 429) {
    const reset = Number(e.response?.headers?.['x-ratelimit-reset']);
    const retryAfterMs =
      Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - Date.now()) : undefined;
    return new StreamError('rate-limited', message, status, streamCode, retryAfterMs);
  }
  if (status >= 500 || status === 408) return new StreamError('unavailable', message, status, streamCode);
  if (status === 401 || status === 403) return new StreamError('auth', message, status, streamCode);
  return new StreamError('rejected', message, status, streamCode);
}
