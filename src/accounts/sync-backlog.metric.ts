import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { STREAM_SYNC_PENDING } from '../metrics/metrics';
import { UserSyncStateService } from '../users/user-sync-state.service';

/**
 * The sync backlog, counted when Prometheus scrapes (one indexed count per scrape and instance; every instance
 * reports the same fleet-wide number). While MongoDB is down the scrape still answers, with the last count.
 */
@Injectable()
export class SyncBacklogMetric implements OnModuleInit, OnModuleDestroy {
  constructor(private readonly users: UserSyncStateService) {}

  onModuleInit(): void {
    const users = this.users;
    // Bound to this app's UserSyncStateService: replace one a previous app in this process registered.
    register.removeSingleMetric(STREAM_SYNC_PENDING);
    new Gauge({
      name: STREAM_SYNC_PENDING,
      help: 'Users waiting to be mirrored into Stream (all instances)',
      async collect() {
        const pending = await users.countPendingSync().catch(() => undefined);
        if (pending !== undefined) this.set(pending);
      },
    });
  }

  onModuleDestroy(): void {
    register.removeSingleMetric(STREAM_SYNC_PENDING);
  }
}
