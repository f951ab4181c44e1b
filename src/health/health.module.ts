import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { IndexesModule } from '../indexes/indexes.module';
import { OidcModule } from '../oidc/oidc.module';
import { UsersModule } from '../users/users.module';
import { GracefulShutdown } from './graceful-shutdown';
import { HealthController } from './health.controller';
import { IndexesHealthIndicator } from './indexes.health';
import { MongoHealthIndicator } from './mongo.health';
import { OidcHealthIndicator } from './oidc.health';
import { StreamHealthIndicator } from './stream.health';

/** Liveness, readiness (every `@ReadinessCheck` provider) and the detailed view; the shutdown sequence. */
@Module({
  imports: [
    TerminusModule.forRoot({ logger: false }),
    DiscoveryModule,
    UsersModule,
    IndexesModule,
    OidcModule,
  ],
  controllers: [HealthController],
  providers: [
    MongoHealthIndicator,
    StreamHealthIndicator,
    IndexesHealthIndicator,
    OidcHealthIndicator,
    GracefulShutdown,
  ],
  exports: [GracefulShutdown],
})
export class HealthModule {}
