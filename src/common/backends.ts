import { Logger } from '@nestjs/common';
import { NodeEnv } from '../config/env.validation';
import { loadEnv, useStandInBackends } from '../config/configuration';

const logger = new Logger('Backends');

/** Hides the password of a connection string before it is logged. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}

/**
 * Runs before Nest boots, in main.ts and cli.ts. Outside production, a MongoDB, Stream or SMTP server the environment leaves
 * unset is replaced by an embedded stand-in (offline-emulators, a dev dependency production never loads).
 * Logs where both backends are; returns how to stop the stand-ins it started.
 */
export async function prepareBackends(): Promise<() => Promise<void>> {
  const env = loadEnv();
  const mongo = !env.MONGODB_URI;
  const stream = !(env.STREAM_API_KEY && env.STREAM_API_SECRET);
  const smtp = !env.SMTP_URL;
  let stop = () => Promise.resolve();
  // In production validation has already refused a missing backend.
  if (env.NODE_ENV !== NodeEnv.Production && (mongo || stream || smtp)) {
    const { startStandIns } = await import('offline-emulators');
    const standIns = await startStandIns({
      mongo,
      stream,
      smtp,
      dataDir: '.mongo-data',
      dbName: 'lingo',
      log: (line) => logger.log(line),
      warn: (line) => logger.warn(line),
    });
    useStandInBackends(standIns);
    stop = () => standIns.stop();
  }
  logger.log(
    `MongoDB: ${redactUri(env.MONGODB_URI ?? '')}; Stream: ${env.STREAM_BASE_URL ?? 'Stream cloud'}`,
  );
  return stop;
}
