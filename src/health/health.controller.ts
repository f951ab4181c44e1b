import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { IndexesHealthIndicator } from './indexes.health';
import { MongoHealthIndicator } from './mongo.health';
import { StreamHealthIndicator } from './stream.health';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly mongo: MongoHealthIndicator,
    private readonly stream: StreamHealthIndicator,
    private readonly indexes: IndexesHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({
    summary: 'MongoDB, indexes and Stream state; 503 when MongoDB is unreachable or an index is missing',
  })
  check() {
    return this.health.check([
      () => this.mongo.check('mongodb'),
      () => this.indexes.check('indexes'),
      () => this.stream.check('stream'),
    ]);
  }
}
