import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { StreamService } from '../stream/stream.service';
import { UsersService } from '../users/users.service';

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
  ) {}

  async check(key: string) {
    const session = this.indicators.check(key);
    const [ping, pendingSyncs] = await Promise.all([
      this.stream.ping().then(
        () => ({ reachable: true }),
        (error: Error) => ({ reachable: false, error: error.message }),
      ),
      // Unknown while MongoDB is down; the mongodb indicator reports that.
      this.users.countPendingSync().catch(() => null),
    ]);
    return session.up({ ...ping, pendingSyncs });
  }
}
