import { Logger } from '@nestjs/common';
import { EnvironmentVariables, NodeEnv } from '../config/env.validation';
import { withStandIns } from '../config/environment';

const logger = new Logger('Backends');

/** Hides the password of a connection string before it is logged. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}

export interface PreparedBackends {
  /** The environment, with the stand-ins' addresses where it left a backend unset. */
  env: EnvironmentVariables;
  stop: () => Promise<void>;
}

/**
 * Runs before Nest boots, in main.ts and cli.ts. Outside production, a MongoDB, Stream or SMTP server the
 * environment leaves unset is replaced by an embedded stand-in (offline-emulators, a dev dependency production
 * never loads). Logs where both backends are.
 */
export async function prepareBackends(given: EnvironmentVariables): Promise<PreparedBackends> {
  const mongo = !given.MONGODB_URI;
  const stream = !(given.STREAM_API_KEY && given.STREAM_API_SECRET);
  const smtp = !given.SMTP_URL;
  let prepared: PreparedBackends = { env: given, stop: () => Promise.resolve() };
  // In production validation has already refused a missing backend.
  if (given.NODE_ENV !== NodeEnv.Production && (mongo || stream || smtp)) {
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
    prepared = { env: withStandIns(given, standIns), stop: () => standIns.stop() };
  }
  const { env } = prepared;
  logger.log(
    `MongoDB: ${redactUri(env.MONGODB_URI ?? '')}; Stream: ${env.STREAM_BASE_URL ?? 'Stream cloud'}`,
  );
  return prepared;
}
