import { ConfigType } from '@nestjs/config';
import { MongooseModule, MongooseModuleFactoryOptions } from '@nestjs/mongoose';
import { Aggregate, Connection, MongooseQueryMiddleware, Query, Schema } from 'mongoose';
import { mongoConfig } from '../config/configuration';

/** The queries that take a server-side time limit. */
const TIMED_QUERIES: MongooseQueryMiddleware[] = [
  'find',
  'findOne',
  'countDocuments',
  'distinct',
  'findOneAndUpdate',
  'findOneAndDelete',
  'findOneAndReplace',
];

/** Gives every query and aggregation that does not set its own a server-side `maxTimeMS`. */
const maxTimePlugin = (maxTimeMs: number) => (schema: Schema) => {
  schema.pre(TIMED_QUERIES, function (this: Query<unknown, unknown>) {
    if (this.getOptions().maxTimeMS === undefined) this.maxTimeMS(maxTimeMs);
  });
  schema.pre('aggregate', function (this: Aggregate<unknown>) {
    if (this.options.maxTimeMS === undefined) this.option({ maxTimeMS: maxTimeMs });
  });
};

const connect = (options: (mongo: ConfigType<typeof mongoConfig>) => Partial<MongooseModuleFactoryOptions>) =>
  MongooseModule.forRootAsync({
    inject: [mongoConfig.KEY],
    useFactory: (mongo: ConfigType<typeof mongoConfig>) => ({
      uri: mongo.uri,
      autoIndex: mongo.autoIndex,
      ...options(mongo),
    }),
  });

/**
 * The API's connection. Every wait on MongoDB is bounded: finding a server, connecting, a free pooled connection
 * (under load a stalled server holds every one), each reply, Mongoose's queue while disconnected, and each query
 * on the server. The driver then fails fast and the
 * request answers 503 (see mongo-unavailable.ts); it reconnects by itself once MongoDB answers again.
 */
export const mongoConnection = () =>
  connect((mongo) => ({
    serverSelectionTimeoutMS: mongo.timeoutMs,
    connectTimeoutMS: mongo.timeoutMs,
    socketTimeoutMS: mongo.timeoutMs,
    // Without it a checkout waits for ever: 16 concurrent requests on a stalled server took up to 3.1 s to fail
    // (1.0 s with it).
    waitQueueTimeoutMS: mongo.timeoutMs,
    // A driver retry after a timeout doubles the wait on a stalled server (measured: 1.4 to 2.4 s instead of
    // 0.7 s); the client retries on the 503's Retry-After instead.
    retryReads: false,
    retryWrites: false,
    onConnectionCreate: (connection: Connection) => {
      connection.set('bufferTimeoutMS', mongo.timeoutMs);
      connection.plugin(maxTimePlugin(mongo.maxTimeMs));
    },
  }));

/**
 * The CLI's: boots without waiting for MongoDB, so `--help` answers at once and a command fails on its first
 * query instead of after Nest's connection retries. No per-reply or per-query deadline: an index build or a
 * migration batch on a large database may rightly take long (the runner checks MongoDB answers first, within
 * MONGODB_CONNECT_TIMEOUT_MS).
 */
export const lazyMongoConnection = () =>
  connect((mongo) => ({
    serverSelectionTimeoutMS: mongo.connectTimeoutMs,
    connectTimeoutMS: mongo.connectTimeoutMs,
    lazyConnection: true,
    // Building indexes is the `indexes` command's job, never a side effect of another command.
    autoIndex: false,
    retryAttempts: 0,
    // Nobody awaits a lazy connection: its failure surfaces on the first query instead.
    connectionFactory: (connection: Connection) => {
      connection.asPromise().catch(() => undefined);
      return connection;
    },
  }));
