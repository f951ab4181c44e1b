import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ExpiringCache } from '../common/expiring-cache';
import { healthConfig } from '../config/configuration';
import { StreamService } from '../stream/stream.service';
import { UserSyncStateService } from '../users/user-sync-state.service';
import { withDeadline } from '../common/deadline';

interface Reachability {
  reachable: boolean;
  error?: string;
  checkedAt: string;
}

/**
 * Reports whether Stream answers and how many users wait to be mirrored there. Stream being down degrades chat but
 * not the API (user sync queues and catches up), so this indicator never turns the whole check into a 503: it
 * reports `reachable: false`. One Stream call per HEALTH_STREAM_CACHE_MS at most, whatever the probe rate:
 * concurrent probes share the call in flight, later ones reuse its answer.
 */
@Injectable()
export class StreamHealthIndicator {
  /** The last reachability answer (one key), in flight or settled. */
  private readonly last: ExpiringCache<Promise<Reachability>>;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly stream: StreamService,
    private readonly users: UserSyncStateService,
    @Inject(healthConfig.KEY) private readonly config: ConfigType<typeof healthConfig>,
  ) {
    this.last = new ExpiringCache(config.streamCacheMs);
  }

  async check(key: string) {
    const session = this.indicators.check(key);
    const deadline = this.config.checkTimeoutMs;
    const [reachability, pendingSyncs] = await Promise.all([
      this.reachability(),
      // Unknown while MongoDB is down; the mongodb indicator reports that.
      withDeadline(this.users.countPendingSync(), deadline).catch(() => null),
    ]);
    return session.up({ ...reachability, pendingSyncs });
  }

  private reachability(): Promise<Reachability> {
    const cached = this.last.get('stream');
    if (cached) return cached;
    const checkedAt = new Date().toISOString();
    const answer = withDeadline(this.stream.ping(), this.config.checkTimeoutMs).then(
      () => ({ reachable: true, checkedAt }),
      (error: Error) => ({ reachable: false, error: error.message, checkedAt }),
    );
    this.last.set('stream', answer);
    return answer;
  }
}
