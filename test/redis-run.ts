import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';

/** The real Redis the multi-instance specs share limits through (.ci/run starts it). */
export const REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * This run's own key prefix on the shared Redis (other runs may use the server at the same time), the env that
 * points a production instance at it, and the removal of every key it wrote.
 */
export function redisForRun() {
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  const prefix = `lingo-test-${randomBytes(4).toString('hex')}:`;
  const removeKeys = async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  };
  return {
    redis,
    prefix,
    env: { NODE_ENV: 'production', REDIS_URL, REDIS_KEY_PREFIX: prefix },
    removeKeys,
    close: async () => {
      await removeKeys();
      redis.disconnect();
    },
  };
}
