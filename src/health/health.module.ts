import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { StreamModule } from '../stream/stream.module';
import { UsersModule } from '../users/users.module';
import { HealthController } from './health.controller';
import { StreamHealthIndicator } from './stream.health';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), StreamModule, UsersModule],
  controllers: [HealthController],
  providers: [StreamHealthIndicator],
})
export class HealthModule {}
