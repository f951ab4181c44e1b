import { Global, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { appConfig, mongoConfig, streamConfig } from './configuration';

export interface StreamCredentials {
  apiKey: string;
  apiSecret: string;
  baseUrl?: string;
}

/**
 * Where MongoDB and Stream actually are. In production both come from the validated env. In development and
 * tests a missing one is replaced by an embedded stand-in (offline-emulators, a dev dependency that production
 * never loads), so a fresh clone serves the whole API with no .env.
 */
@Injectable()
export class Backends implements OnApplicationShutdown {
  private static readonly logger = new Logger('Backends');

  private constructor(
    readonly mongoUri: string,
    readonly stream: StreamCredentials,
    private readonly stops: (() => Promise<void>)[],
  ) {}

  static async resolve(
    app: ConfigType<typeof appConfig>,
    mongo: ConfigType<typeof mongoConfig>,
    stream: ConfigType<typeof streamConfig>,
  ): Promise<Backends> {
    const stops: (() => Promise<void>)[] = [];
    let mongoUri = mongo.uri;
    let credentials: StreamCredentials | undefined =
      stream.apiKey && stream.apiSecret
        ? { apiKey: stream.apiKey, apiSecret: stream.apiSecret, baseUrl: stream.baseUrl }
        : undefined;
    if (!mongoUri || !credentials) {
      if (app.isProduction) throw new Error('MongoDB and Stream must be configured in production');
      const emulators = await import('offline-emulators');
      if (!mongoUri) {
        const embedded = await emulators.startEmbeddedMongo({
          dataDir: mongo.embeddedDataDir,
          dbName: mongo.embeddedDbName,
          log: (line) => Backends.logger.log(line),
        });
        mongoUri = embedded.uri;
        stops.push(() => embedded.stop());
      }
      if (!credentials) {
        const emulator = await emulators.startStreamEmulator({ port: 0 });
        credentials = { apiKey: emulator.apiKey, apiSecret: emulator.apiSecret, baseUrl: emulator.baseUrl };
        stops.push(() => emulator.close());
        Backends.logger.warn(
          `Stream: embedded emulator at ${emulator.baseUrl} with a generated dev key; tokens minted now do not ` +
            'work against Stream cloud (set STREAM_API_KEY and STREAM_API_SECRET to use a real app)',
        );
      }
    }
    Backends.logger.log(`MongoDB: ${redactUri(mongoUri)}; Stream: ${credentials.baseUrl ?? 'Stream cloud'}`);
    return new Backends(mongoUri, credentials, stops);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.stops.map((stop) => stop()));
  }
}

/** Hides the password of a connection string before it is logged. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}

@Global()
@Module({
  providers: [
    {
      provide: Backends,
      inject: [appConfig.KEY, mongoConfig.KEY, streamConfig.KEY],
      useFactory: (...configs: Parameters<typeof Backends.resolve>) => Backends.resolve(...configs),
    },
  ],
  exports: [Backends],
})
export class BackendsModule {}
