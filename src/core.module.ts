import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { MongooseModule } from '@nestjs/mongoose';
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
@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      load: [appConfig, authConfig, mongoConfig, streamConfig, syncConfig, usersConfig],
      validate: validateEnv,
    }),
    BackendsModule,
    MongooseModule.forRootAsync({
      inject: [Backends],
      useFactory: (backends: Backends) => ({ uri: backends.mongoUri, serverSelectionTimeoutMS: 5000 }),
    }),
    StreamModule,
  ],
  exports: [StreamModule],
})
export class CoreModule {}
