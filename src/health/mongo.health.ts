import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Connection } from 'mongoose';
import { ReadinessCheck, ReadinessIndicator } from './readiness';

const PING_TIMEOUT_MS = 1500;

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
  ) {}

  async check(key: string) {
    const session = this.indicators.check(key);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
    });
    try {
      const db = this.connection.db;
      if (!db) throw new Error('not connected');
      await Promise.race([db.command({ ping: 1 }), timeout]);
      return session.up();
    } catch (error) {
      return session.down({ message: (error as Error).message });
    } finally {
      clearTimeout(timer);
    }
  }
}
