import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import Redis from 'ioredis';
import type { ThrottleConfig } from '../config/configuration';

/**
 * Rate-limit counters shared by every instance through Redis. While Redis does not answer (within
 * REDIS_TIMEOUT_MS), this instance counts in its own memory: limits degrade to per-instance instead of logins
 * failing.
 */
export class SharedThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger('ThrottlerStorage');
  private readonly local = new ThrottlerStorageService();
  private readonly client: Redis;
  private readonly shared: ThrottlerStorageRedisService;
  private degraded = false;

  constructor(url: string, config: ThrottleConfig) {
    this.client = new Redis(url, {
      keyPrefix: config.redisKeyPrefix,
      connectTimeout: config.redisTimeoutMs,
      commandTimeout: config.redisTimeoutMs,
      // Fail at once while disconnected (memory answers) instead of queueing behind a reconnect.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    // Connection errors surface through increment() below; ioredis keeps reconnecting by itself.
    this.client.on('error', () => undefined);
    this.shared = new ThrottlerStorageRedisService(this.client);
  }

  async increment(...args: Parameters<ThrottlerStorage['increment']>): Promise<ThrottlerStorageRecord> {
    try {
      const record = await this.shared.increment(...args);
      if (this.degraded) this.logger.log('Redis answers again: rate limits are shared again');
      this.degraded = false;
      return record;
    } catch (error) {
      if (!this.degraded) {
        this.logger.warn(`Redis unavailable (${(error as Error).message}): rate limits count per instance`);
      }
      this.degraded = true;
      return this.local.increment(...args);
    }
  }

  onApplicationShutdown(): void {
    this.client.disconnect();
    this.local.onApplicationShutdown();
  }
}

/** Redis with REDIS_URL (every instance shares the counters), else process memory (a single instance). */
export function throttlerStorage(config: ThrottleConfig): ThrottlerStorage {
  return config.redisUrl
    ? new SharedThrottlerStorage(config.redisUrl, config)
    : new ThrottlerStorageService();
}
