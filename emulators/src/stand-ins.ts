import { startEmbeddedMongo } from './mongo';
import { startOidcProvider } from './oidc';
import { startSmtpSink } from './smtp';
import { startStreamEmulator } from './stream';

export interface StandInsOptions {
  /** Start a MongoDB stand-in (MONGODB_URI was unset). */
  mongo: boolean;
  /** Start a Stream emulator (the Stream key or secret was unset). */
  stream: boolean;
  /** Start an SMTP sink (SMTP_URL was unset). */
  smtp: boolean;
  /** Start an OpenID Connect provider to sign in with (default off). */
  oidc?: boolean;
  /** Where an embedded real mongod keeps its files between runs (git-ignored). */
  dataDir: string;
  dbName: string;
  log: (line: string) => void;
  warn: (line: string) => void;
}

export interface StandIns {
  mongoUri?: string;
  stream?: { apiKey: string; apiSecret: string; baseUrl: string };
  smtpUrl?: string;
  oidc?: { issuer: string; clientId: string; clientSecret: string };
  stop(): Promise<void>;
}

/**
 * The API's development default: whatever backend the environment leaves unset is replaced by an embedded
 * stand-in in the same process, so a fresh clone serves the whole API with no .env.
 */
export async function startStandIns(opts: StandInsOptions): Promise<StandIns> {
  const stops: (() => Promise<void>)[] = [];
  const standIns: StandIns = { stop: () => Promise.all(stops.map((stop) => stop())).then(() => undefined) };
  if (opts.mongo) {
    const embedded = await startEmbeddedMongo({ dataDir: opts.dataDir, dbName: opts.dbName, log: opts.log });
    standIns.mongoUri = embedded.uri;
    stops.push(() => embedded.stop());
  }
  if (opts.stream) {
    const emulator = await startStreamEmulator({ port: 0 });
    standIns.stream = { apiKey: emulator.apiKey, apiSecret: emulator.apiSecret, baseUrl: emulator.baseUrl };
    stops.push(() => emulator.close());
    opts.warn(
      `Stream: embedded emulator at ${emulator.baseUrl} with a generated dev key; tokens minted now do not ` +
        'work against Stream cloud (set STREAM_API_KEY and STREAM_API_SECRET to use a real app)',
    );
  }
  if (opts.smtp) {
    const sink = await startSmtpSink();
    standIns.smtpUrl = sink.smtpUrl;
    stops.push(() => sink.close());
    opts.log(`Mail: embedded SMTP sink at ${sink.smtpUrl}; what it received: ${sink.mailUrl}`);
  }
  if (opts.oidc) {
    const provider = await startOidcProvider();
    standIns.oidc = {
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
    };
    stops.push(() => provider.close());
    opts.log(`OIDC: embedded OpenID Connect provider at ${provider.issuer}; control: ${provider.controlUrl}`);
  }
  return standIns;
}
