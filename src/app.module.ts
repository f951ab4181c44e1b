import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AccountsModule } from './accounts/accounts.module';
import { StreamSyncWorker } from './accounts/stream-sync.worker';
import { AuthModule } from './auth/auth.module';
import { ChatModule } from './chat/chat.module';
import { mongoConnection } from './common/mongo-connection';
import { RequestLoggerMiddleware } from './common/request-logger.middleware';
import { CONFIG_NAMESPACES } from './config/configuration';
import { DataExportModule } from './data-export/data-export.module';
import { frontendModule } from './frontend/frontend.module';
import { HealthModule } from './health/health.module';
import { StreamModule } from './stream/stream.module';
import { UsersModule } from './users/users.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, load: CONFIG_NAMESPACES }),
    mongoConnection(),
    StreamModule,
    UsersModule,
    AccountsModule,
    AuthModule,
    ChatModule,
    HealthModule,
    WebhooksModule,
    DataExportModule,
    frontendModule(),
  ],
  // The API process mirrors pending users into Stream in the background; the CLI does not.
  providers: [StreamSyncWorker],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestLoggerMiddleware).forRoutes('*');
  }
}
