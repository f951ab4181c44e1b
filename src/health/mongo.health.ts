import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectConnection } from '@nestjs/mongoose';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Connection } from 'mongoose';
import { healthConfig } from '../config/configuration';
import { withDeadline } from '../common/deadline';
import { ReadinessCheck, ReadinessIndicator } from './readiness';

/**
 * A real round trip to MongoDB. Terminus' MongooseHealthIndicator only reads the connection's readyState, which
 * stays "connected" until the driver's next heartbeat (10 s) notices the server is gone.
 */
@Injectable()
@ReadinessCheck('mongodb')
export class MongoHealthIndicator implements ReadinessIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @InjectConnection() private readonly connection: Connection,
    @Inject(healthConfig.KEY) private readonly config: ConfigType<typeof healthConfig>,
  ) {}

  async check(key: string) {
    const session = this.indicators.check(key);
    try {
      const db = this.connection.db;
      if (!db) throw new Error('not connected');
      await withDeadline(db.command({ ping: 1 }), this.config.checkTimeoutMs);
      return session.up();
    } catch (error) {
      return session.down({ message: (error as Error).message });
    }
  }
}
