import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { IndexesModule } from '../indexes/indexes.module';
import { UsersModule } from '../users/users.module';
import { HealthController } from './health.controller';
import { IndexesHealthIndicator } from './indexes.health';
import { MongoHealthIndicator } from './mongo.health';
import { StreamHealthIndicator } from './stream.health';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), UsersModule, IndexesModule],
  controllers: [HealthController],
  providers: [MongoHealthIndicator, StreamHealthIndicator, IndexesHealthIndicator],
})
export class HealthModule {}
