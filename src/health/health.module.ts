import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { UsersModule } from '../users/users.module';
import { HealthController } from './health.controller';
import { MongoHealthIndicator } from './mongo.health';
import { StreamHealthIndicator } from './stream.health';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), UsersModule],
  controllers: [HealthController],
  providers: [MongoHealthIndicator, StreamHealthIndicator],
})
export class HealthModule {}
