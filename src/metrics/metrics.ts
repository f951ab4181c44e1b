import { makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

// Every metric the service exports besides Node's defaults; docs/operations.md explains each one.
export const HTTP_REQUEST_DURATION = 'http_request_duration_seconds';
export const HTTP_RATE_LIMITED = 'http_requests_rate_limited_total';
export const LOGINS = 'auth_logins_total';
export const STREAM_CALL_DURATION = 'stream_call_duration_seconds';
export const STREAM_CALL_ERRORS = 'stream_call_errors_total';
export const STREAM_SYNC_PUSHES = 'stream_sync_pushes_total';
export const STREAM_SYNC_PENDING = 'stream_sync_pending_users';
export const NOTIFICATIONS = 'notifications_total';

// From a token (~1 ms) to a Stream task wait (tens of seconds).
const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const METRIC_PROVIDERS = [
  makeHistogramProvider({
    name: HTTP_REQUEST_DURATION,
    help: 'HTTP requests by method, route pattern (unmatched for a 404) and status',
    labelNames: ['method', 'route', 'status'],
    buckets: SECONDS,
  }),
  makeCounterProvider({
    name: HTTP_RATE_LIMITED,
    help: 'Requests refused with 429 by a rate limit (per client or per account), by route pattern',
    labelNames: ['route'],
  }),
  makeCounterProvider({
    name: LOGINS,
    help:
      'Login attempts that reached a password check, by outcome (success, invalid_credentials, unverified_email, ' +
      'suspended, second_factor_required)',
    labelNames: ['outcome'],
  }),
  makeHistogramProvider({
    name: STREAM_CALL_DURATION,
    help: 'Calls to Stream by operation and outcome (ok, error)',
    labelNames: ['operation', 'outcome'],
    buckets: SECONDS,
  }),
  makeCounterProvider({
    name: STREAM_CALL_ERRORS,
    help: 'Failed calls to Stream by operation and whether the error is retryable',
    labelNames: ['operation', 'retryable'],
  }),
  makeCounterProvider({
    name: STREAM_SYNC_PUSHES,
    help: 'Users pushed to Stream by the mirror (at once or by the worker), by outcome (synced, failed)',
    labelNames: ['outcome'],
  }),
  makeCounterProvider({
    name: NOTIFICATIONS,
    help: 'Live notifications sent through Stream, by event type and outcome (sent, failed, timeout, skipped)',
    labelNames: ['type', 'outcome'],
  }),
];
