// `npm run emulators`: the stand-ins as one long-running process, printing the env lines that point the API at
// them. Ports: MONGO_EMULATOR_PORT (27018), STREAM_EMULATOR_PORT (3030; Stream's WebSocket is then on 8800, the
// port the stream-chat SDK derives from :3030), SMTP_EMULATOR_PORT (1025) and its mail listing on
// SMTP_EMULATOR_HTTP_PORT (8025).
import { startMongoEmulator } from './mongo';
import { startSmtpSink } from './smtp';
import { startStreamEmulator } from './stream';

const port = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    throw new Error(`${name} must be a port number`);
  return value;
};

async function main(): Promise<void> {
  const host = process.env.EMULATOR_HOST ?? '127.0.0.1';
  const mongo = await startMongoEmulator({ port: port('MONGO_EMULATOR_PORT', 27018), host });
  const stream = await startStreamEmulator({
    port: port('STREAM_EMULATOR_PORT', 3030),
    host,
    apiKey: process.env.STREAM_EMULATOR_API_KEY,
    apiSecret: process.env.STREAM_EMULATOR_API_SECRET,
  });
  const smtp = await startSmtpSink({
    port: port('SMTP_EMULATOR_PORT', 1025),
    httpPort: port('SMTP_EMULATOR_HTTP_PORT', 8025),
    host,
  });
  console.log(
    '# MongoDB wire-protocol emulator, Stream Chat emulator and SMTP sink are running (Ctrl-C stops them).',
  );
  console.log(`# Mail sent to the SMTP sink (reset links included): ${smtp.mailUrl}`);
  console.log(
    '# Data lives in memory only. Give the API these lines as its environment (or put them in .env):',
  );
  console.log(`MONGODB_URI=${mongo.uri}lingo`);
  console.log(`STREAM_BASE_URL=${stream.baseUrl}`);
  console.log(`STREAM_API_KEY=${stream.apiKey}`);
  console.log(`STREAM_API_SECRET=${stream.apiSecret}`);
  console.log(`SMTP_URL=${smtp.smtpUrl}`);
  const stop = () => {
    void Promise.all([mongo.close(), stream.close(), smtp.close()]).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: Error) => {
  console.error(`emulators: ${error.message}`);
  process.exit(1);
});
