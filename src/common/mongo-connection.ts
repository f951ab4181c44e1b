import { ConfigType } from '@nestjs/config';
import { MongooseModule, MongooseModuleFactoryOptions } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { mongoConfig } from '../config/configuration';

const connect = (extra: Partial<MongooseModuleFactoryOptions> = {}) =>
  MongooseModule.forRootAsync({
    inject: [mongoConfig.KEY],
    useFactory: (mongo: ConfigType<typeof mongoConfig>) => ({
      uri: mongo.uri,
      serverSelectionTimeoutMS: mongo.connectTimeoutMs,
      connectTimeoutMS: mongo.connectTimeoutMs,
      autoIndex: mongo.autoIndex,
      ...extra,
    }),
  });

/** The API's connection: the app starts once MongoDB answers. */
export const mongoConnection = () => connect();

/**
 * The CLI's: boots without waiting for MongoDB, so `--help` answers at once and a command fails on its first
 * query instead of after Nest's connection retries.
 */
export const lazyMongoConnection = () =>
  connect({
    lazyConnection: true,
    // Building indexes is the `indexes` command's job, never a side effect of another command.
    autoIndex: false,
    retryAttempts: 0,
    // Nobody awaits a lazy connection: its failure surfaces on the first query instead.
    connectionFactory: (connection: Connection) => {
      connection.asPromise().catch(() => undefined);
      return connection;
    },
  });
