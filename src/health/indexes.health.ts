import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectConnection } from '@nestjs/mongoose';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Connection } from 'mongoose';
import { ExpiringCache } from '../common/expiring-cache';
import { healthConfig } from '../config/configuration';
import { describeIndex, IndexesService } from '../indexes/indexes.service';
import { ReadinessCheck, ReadinessIndicator } from './readiness';

export const INDEXES_FIX = 'run the admin CLI\'s "indexes --apply" (docs/cli.md, "Indexes")';

/**
 * Every index the schemas declare must exist: without the unique ones, "one account per email" and "one request
 * per pair" silently stop holding. Checked at start-up (logged, naming each missing index and the fix) and on
 * health checks, which are down (503) while one is missing. Production never builds them at boot.
 */
@Injectable()
@ReadinessCheck('indexes')
export class IndexesHealthIndicator implements OnApplicationBootstrap, ReadinessIndicator {
  private readonly logger = new Logger('Indexes');
  /** Whether the last check found the set complete, trusted for HEALTH_INDEXES_CACHE_MS. */
  private readonly complete: ExpiringCache<true>;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly indexes: IndexesService,
    @InjectConnection() private readonly connection: Connection,
    @Inject(healthConfig.KEY) config: ConfigType<typeof healthConfig>,
  ) {
    this.complete = new ExpiringCache(config.indexesCacheMs);
  }

  async onApplicationBootstrap(): Promise<void> {
    // Outside production Mongoose builds indexes as the models compile: judge the result, not the race.
    await Promise.allSettled(Object.values(this.connection.models).map((m) => m.init()));
    const missing = await this.indexes.findMissing().catch((error: Error) => {
      this.logger.warn(`could not check indexes: ${error.message}`);
      return undefined;
    });
    if (missing?.length === 0) this.complete.set('indexes', true);
    for (const index of missing ?? [])
      this.logger.error(`missing index ${describeIndex(index)}: ${INDEXES_FIX}`);
  }

  /**
   * Indexes rarely vanish once built: a complete set is trusted for HEALTH_INDEXES_CACHE_MS instead of listing every
   * collection's indexes on each readiness probe. A missing one is looked for again at every probe.
   */
  async check(key: string) {
    const session = this.indicators.check(key);
    if (this.complete.get('indexes')) return session.up();
    try {
      const missing = await this.indexes.findMissing();
      if (missing.length === 0) {
        this.complete.set('indexes', true);
        return session.up();
      }
      return session.down({ missing: missing.map(describeIndex), fix: INDEXES_FIX });
    } catch (error) {
      return session.down({ message: (error as Error).message });
    }
  }
}
