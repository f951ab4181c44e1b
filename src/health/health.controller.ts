import { Controller, Get, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorFunction } from '@nestjs/terminus';
import { IndexesHealthIndicator } from './indexes.health';
import { MongoHealthIndicator } from './mongo.health';
import { OidcHealthIndicator } from './oidc.health';
import { ReadinessCheck, ReadinessIndicator } from './readiness';
import { StreamHealthIndicator } from './stream.health';

@ApiTags('health')
@Controller('health')
export class HealthController implements OnModuleInit {
  private readinessChecks: HealthIndicatorFunction[] = [];

  constructor(
    private readonly health: HealthCheckService,
    private readonly discovery: DiscoveryService,
    private readonly mongo: MongoHealthIndicator,
    private readonly stream: StreamHealthIndicator,
    private readonly indexes: IndexesHealthIndicator,
    private readonly oidc: OidcHealthIndicator,
  ) {}

  onModuleInit(): void {
    this.readinessChecks = this.discovery.getProviders({ metadataKey: ReadinessCheck.KEY }).map((wrapper) => {
      const name = this.discovery.getMetadataByDecorator(ReadinessCheck, wrapper) as string;
      const indicator = wrapper.instance as ReadinessIndicator;
      return () => indicator.check(name);
    });
  }

  @Get()
  @HealthCheck()
  @ApiOperation({
    summary:
      'MongoDB, indexes, Stream state and pending Stream syncs, sign-in providers; 503 when MongoDB is unreachable or ' +
      'an index is missing',
  })
  check() {
    return this.health.check([
      () => this.mongo.check('mongodb'),
      () => this.indexes.check('indexes'),
      () => this.stream.check('stream'),
      () => this.oidc.check('oidc'),
    ]);
  }

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers (touches no dependency)' })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary:
      'Readiness: MongoDB answers, every index exists and no shutdown has started; 503 otherwise. Reports sign-in ' +
      'providers not discovered without failing',
  })
  ready() {
    return this.health.check(this.readinessChecks);
  }
}
