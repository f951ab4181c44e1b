import { createConnection } from 'mongoose';
import { redactUri } from '../common/backends';

/** Where a command is about to act, credentials masked: what the operator checks before anything changes. */
export interface CliTarget {
  mongo: { uri: string; hosts: string; database: string };
  stream?: { apiKey: string; baseUrl: string };
  embedded: boolean;
}

const hostsOf = (uri: string): string => /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?]+)/.exec(uri)?.[1] ?? uri;
const databaseOf = (uri: string): string => /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(uri)?.[1] ?? 'test';

export function describeTarget(
  mongoUri: string,
  stream: { apiKey: string; baseUrl?: string } | undefined,
  embedded: boolean,
): CliTarget {
  return {
    mongo: { uri: redactUri(mongoUri), hosts: hostsOf(mongoUri), database: databaseOf(mongoUri) },
    stream: stream && { apiKey: stream.apiKey, baseUrl: stream.baseUrl ?? 'Stream cloud' },
    embedded,
  };
}

export const targetLine = (t: CliTarget): string =>
  `Target: MongoDB ${t.mongo.hosts}, database "${t.mongo.database}" (${t.mongo.uri})` +
  (t.stream ? `; Stream app ${t.stream.apiKey} at ${t.stream.baseUrl}` : '') +
  (t.embedded ? ' [embedded stand-ins, thrown away on exit]' : '');

/**
 * One round trip to MongoDB, bounded by `timeoutMs`: an unreachable server is one sentence naming the host and
 * the cause, before the command announces or changes anything (instead of a query buffering for 10 s).
 */
export async function checkMongoReachable(uri: string, timeoutMs: number): Promise<string | undefined> {
  const connection = createConnection(uri, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    autoCreate: false,
    autoIndex: false,
  });
  try {
    await connection.asPromise();
    await connection.db!.command({ ping: 1 });
    return undefined;
  } catch (error) {
    const reason = (error as { reason?: { servers?: Map<string, { error?: Error }> } }).reason;
    const causes = [...(reason?.servers?.values() ?? [])]
      .map((s) => s.error?.message)
      .filter((m): m is string => Boolean(m));
    const cause = causes[0] ?? (error as Error).message;
    return `cannot reach MongoDB at ${hostsOf(uri)} within ${timeoutMs} ms: ${cause}`;
  } finally {
    await connection.close().catch(() => undefined);
  }
}
