import mongoose from 'mongoose';

const {
  MongoNetworkError,
  MongoServerSelectionError,
  MongoNotConnectedError,
  MongoTopologyClosedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoClientClosedError,
} = mongoose.mongo;

/**
 * Server answers that mean "not now" rather than "wrong request": a query over its time limit, a write concern
 * not met in time, and a server shutting down or stepping down (src/mongo/base/error_codes.yml).
 */
const TRANSIENT_SERVER_CODES = new Set([
  50, // MaxTimeMSExpired
  64, // WriteConcernFailed (wtimeout)
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/** The pool's own errors, which the driver does not export: a checkout past waitQueueTimeoutMS, a closed pool. */
const POOL_ERROR_NAMES = new Set(['MongoWaitQueueTimeoutError', 'MongoPoolClosedError']);

type Wrapper = { cause?: unknown; errorResponse?: unknown; err?: unknown; writeConcernError?: unknown };

/**
 * What an error wraps: `cause`; a bulk write error's `errorResponse` (the network or timeout error it ran into)
 * or `err` (its write concern error); a write concern error's own `writeConcernError` (it carries the code).
 */
const wrapped = (error: Wrapper): unknown[] => [
  error.cause,
  error.errorResponse,
  error.err,
  error.writeConcernError,
];

function isUnavailableItself(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = Number((error as { code?: unknown }).code);
  return (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoOperationTimeoutError ||
    error instanceof MongoServerClosedError ||
    error instanceof MongoClientClosedError ||
    (error instanceof Error && POOL_ERROR_NAMES.has(error.name)) ||
    TRANSIENT_SERVER_CODES.has(code) ||
    // Mongoose queues operations while disconnected and fails them with this after bufferTimeoutMS.
    (error instanceof mongoose.Error && error.message.includes('buffering timed out'))
  );
}

/**
 * True when MongoDB could not serve an operation in time, however the driver wrapped it: no server to select,
 * a refused, dropped or timed-out connection, no pooled connection within waitQueueTimeoutMS, Mongoose's queue
 * timing out while disconnected, a transient server state or an unmet write concern, alone or inside a bulk
 * write error, a write concern error or an error's `cause`. The request then answers 503 with Retry-After
 * instead of a 500.
 */
export function isMongoUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  if (isUnavailableItself(error)) return true;
  return wrapped(error).some((inner) => inner !== error && isMongoUnavailable(inner, depth + 1));
}
