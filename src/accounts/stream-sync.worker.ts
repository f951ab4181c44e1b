import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { syncConfig } from '../config/configuration';
import { StreamSyncService } from './stream-sync.service';

/** Runs StreamSyncService.pushDue every SYNC_INTERVAL_MS in the API process (never in the CLI). */
@Injectable()
export class StreamSyncWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StreamSyncWorker.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly sync: StreamSyncService,
    @Inject(syncConfig.KEY) private readonly config: ConfigType<typeof syncConfig>,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        if (this.timer) this.schedule();
      });
    }, this.config.intervalMs);
  }

  private async tick(): Promise<void> {
    try {
      // Keep draining while full batches come back, so a backlog after an outage clears quickly.
      while ((await this.sync.pushDue()) === this.config.batchSize) {
        if (!this.timer) return;
      }
    } catch (error) {
      this.logger.error(`sync pass failed: ${(error as Error).message}`);
    }
  }
}
