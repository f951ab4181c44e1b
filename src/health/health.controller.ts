import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, MongooseHealthIndicator } from '@nestjs/terminus';
import { StreamHealthIndicator } from './stream.health';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly mongo: MongooseHealthIndicator,
    private readonly stream: StreamHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'MongoDB and Stream state; 503 when MongoDB is unreachable' })
  check() {
    return this.health.check([
      () => this.mongo.pingCheck('mongodb', { timeout: 1500 }),
      () => this.stream.check('stream'),
    ]);
  }
}
