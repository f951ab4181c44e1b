import mongoose from 'mongoose';
import { isMongoUnavailable } from './mongo-unavailable';

const {
  MongoBulkWriteError,
  MongoNetworkTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
  MongoWriteConcernError,
} = mongoose.mongo;

// The pool's errors are not exported by the driver; these are its own classes, as it throws them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pool = require('mongodb/lib/cmap/errors') as {
  WaitQueueTimeoutError: new (message: string, address: string) => Error;
  PoolClosedError: new (pool: { address: string }) => Error;
};

const bulkResult = { insertedCount: 0 } as unknown as ConstructorParameters<typeof MongoBulkWriteError>[1];

describe('isMongoUnavailable', () => {
  it.each<[string, unknown]>([
    ['a wait-queue timeout', new pool.WaitQueueTimeoutError('Timed out while checking out', 'db:27017')],
    ['a closed pool', new pool.PoolClosedError({ address: 'db:27017' })],
    ['a socket timeout', new MongoNetworkTimeoutError('timed out')],
    ...[91, 189, 10107, 11600, 64, 50].map((code): [string, unknown] => [
      `server code ${code}`,
      new MongoServerError({ message: 'not now', code }),
    ]),
    [
      'a write concern error',
      new MongoWriteConcernError({ writeConcernError: { code: 64, errmsg: 'wtimeout' }, ok: 1 }),
    ],
    [
      'a bulk write error wrapping a socket timeout',
      new MongoBulkWriteError(new MongoNetworkTimeoutError('timed out'), bulkResult),
    ],
    [
      'a bulk write error from a write concern error',
      new MongoBulkWriteError({ message: 'shutting down', code: 91 }, bulkResult),
    ],
    [
      'an error caused by a server selection failure',
      new Error('loading failed', {
        cause: new MongoServerSelectionError('no server', { error: undefined } as never),
      }),
    ],
  ])('recognises %s', (_name, error) => {
    expect(isMongoUnavailable(error)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a duplicate key', new MongoServerError({ message: 'E11000 duplicate key', code: 11000 })],
    [
      'a bulk write error with a duplicate key',
      new MongoBulkWriteError(
        { message: 'E11000', code: 11000, writeErrors: [{ code: 11000 }] } as never,
        bulkResult,
      ),
    ],
    ['a bad query', new MongoServerError({ message: 'unknown operator: $bar', code: 2 })],
    ['a plain error', new Error('boom')],
    ['not an error', 'MongoNetworkError'],
  ])('leaves %s to the 4xx/500 paths', (_name, error) => {
    expect(isMongoUnavailable(error)).toBe(false);
  });
});
