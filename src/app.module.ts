import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { ChatModule } from './chat/chat.module';
import { RequestLoggerMiddleware } from './common/request-logger.middleware';
import { CoreModule } from './core.module';
import { HealthModule } from './health/health.module';
import { UserSyncWorker } from './users/user-sync.worker';
import { UsersModule } from './users/users.module';

@Module({
  imports: [CoreModule.forRoot({ lazyConnection: false }), AuthModule, UsersModule, ChatModule, HealthModule],
  providers: [UserSyncWorker],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestLoggerMiddleware).forRoutes('*');
  }
}
