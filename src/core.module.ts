import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { MongooseModule } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { Backends, BackendsModule } from './config/backends';
import {
  appConfig,
  authConfig,
  mongoConfig,
  streamConfig,
  syncConfig,
  usersConfig,
} from './config/configuration';
import { validateEnv } from './config/env.validation';
import { StreamModule } from './stream/stream.module';

/** Configuration, MongoDB and Stream: what both the HTTP API and the CLI stand on. */
@Module({})
export class CoreModule {
  /**
   * `lazyConnection`: boot without waiting for MongoDB (the CLI, so `--help` answers at once and a command
   * fails on its first query instead of after Nest's connection retries).
   */
  static forRoot(options: { lazyConnection: boolean }): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          load: [appConfig, authConfig, mongoConfig, streamConfig, syncConfig, usersConfig],
          validate: validateEnv,
        }),
        BackendsModule,
        MongooseModule.forRootAsync({
          inject: [Backends],
          useFactory: (backends: Backends) => ({
            uri: backends.mongoUri,
            serverSelectionTimeoutMS: 5000,
            lazyConnection: options.lazyConnection,
            ...(options.lazyConnection
              ? {
                  retryAttempts: 0,
                  // Nobody awaits a lazy connection: its failure surfaces on the first query instead.
                  connectionFactory: (connection: Connection) => {
                    connection.asPromise().catch(() => undefined);
                    return connection;
                  },
                }
              : {}),
          }),
        }),
        StreamModule,
      ],
      exports: [StreamModule],
    };
  }
}
