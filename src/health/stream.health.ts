import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { HealthIndicatorService } from '@nestjs/terminus';
import { appConfig } from '../config/configuration';
import { StreamService } from '../stream/stream.service';
import { UsersService } from '../users/users.service';
import { withDeadline } from './deadline';

/**
 * Reports whether Stream answers and how many users wait to be mirrored there. Stream being down degrades chat but not the API (user sync queues and
 * catches up), so this indicator never turns the whole check into a 503: it reports `reachable: false`.
 */
@Injectable()
export class StreamHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly stream: StreamService,
    private readonly users: UsersService,
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
  ) {}

  async check(key: string) {
    const session = this.indicators.check(key);
    const deadline = this.config.healthCheckTimeoutMs;
    const [ping, pendingSyncs] = await Promise.all([
      withDeadline(this.stream.ping(), deadline).then(
        () => ({ reachable: true }),
        (error: Error) => ({ reachable: false, error: error.message }),
      ),
      // Unknown while MongoDB is down; the mongodb indicator reports that.
      withDeadline(this.users.countPendingSync(), deadline).catch(() => null),
    ]);
    return session.up({ ...ping, pendingSyncs });
  }
}
