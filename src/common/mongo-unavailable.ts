import mongoose from 'mongoose';

const {
  MongoNetworkError,
  MongoServerSelectionError,
  MongoNotConnectedError,
  MongoTopologyClosedError,
  MongoOperationTimeoutError,
  MongoServerError,
} = mongoose.mongo;

/**
 * Server answers that mean "not now" rather than "wrong request": a query over its time limit, and a server
 * shutting down or stepping down (src/mongo/base/error_codes.yml).
 */
const TRANSIENT_SERVER_CODES = new Set([
  50, // MaxTimeMSExpired
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/**
 * True when MongoDB could not serve an operation in time: no server to select, a refused or dropped connection,
 * no reply before the socket deadline, Mongoose's queue timing out while disconnected, or a transient server
 * state. The request then answers 503 with Retry-After instead of a 500.
 */
export function isMongoUnavailable(error: unknown): boolean {
  return (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoOperationTimeoutError ||
    (error instanceof MongoServerError && TRANSIENT_SERVER_CODES.has(Number(error.code))) ||
    // Mongoose queues operations while disconnected and fails them with this after bufferTimeoutMS.
    (error instanceof mongoose.Error && error.message.includes('buffering timed out'))
  );
}
