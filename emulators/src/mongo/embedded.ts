import { mkdir } from 'node:fs/promises';
import { MongoBinary, MongoMemoryServer } from 'mongodb-memory-server-core';
import { startMongoEmulator } from './server';

export interface EmbeddedMongo {
  readonly uri: string;
  readonly kind: 'mongodb-memory-server' | 'emulator';
  stop(): Promise<void>;
}

export interface EmbeddedMongoOptions {
  /** Where a real mongod keeps its files between runs (git-ignored). */
  dataDir: string;
  dbName: string;
  log: (line: string) => void;
}

/** How long to wait for a mongod download; offline the request is refused at once, so this only caps a slow mirror. */
const DOWNLOAD_TIMEOUT_MS = 5_000;

const HINT = 'set MONGODB_URI to use a real server';

/** Resolves the mongod binary (MONGOMS_SYSTEM_BINARY, cache, or a download), or undefined when there is none. */
async function findMongodBinary(): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), DOWNLOAD_TIMEOUT_MS);
    timer.unref();
  });
  try {
    return await Promise.race([MongoBinary.getPath().catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Development and test default when MONGODB_URI is unset: a real mongod through mongodb-memory-server when a
 * binary can be had, otherwise the wire-protocol emulator. Logs exactly one line saying which.
 */
export async function startEmbeddedMongo(opts: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  const binary = await findMongodBinary();
  if (binary) {
    try {
      await mkdir(opts.dataDir, { recursive: true });
      const server = await MongoMemoryServer.create({
        binary: { systemBinary: binary },
        instance: { dbPath: opts.dataDir, storageEngine: 'wiredTiger' },
      });
      const uri = server.getUri(opts.dbName);
      opts.log(
        `MongoDB: embedded mongod (mongodb-memory-server) at ${uri}, data in ${opts.dataDir}; ${HINT}`,
      );
      return {
        uri,
        kind: 'mongodb-memory-server',
        stop: async () => {
          await server.stop({ doCleanup: false }); // keep the data folder for the next run
        },
      };
    } catch (e) {
      // A binary that cannot start (wrong platform, missing libraries) is no reason to stop development.
      return startEmulator(opts, `mongod failed to start (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  return startEmulator(opts, 'no mongod binary available');
}

async function startEmulator(opts: EmbeddedMongoOptions, reason: string): Promise<EmbeddedMongo> {
  const emulator = await startMongoEmulator({ port: 0 });
  const uri = `${emulator.uri}${opts.dbName}`;
  opts.log(`MongoDB: in-memory wire-protocol emulator at ${uri} (${reason}; data is not kept); ${HINT}`);
  return { uri, kind: 'emulator', stop: () => emulator.close() };
}
