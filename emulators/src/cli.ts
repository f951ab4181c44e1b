// `npm run emulators`: both stand-ins as one long-running process, printing the env lines that point the API at
// them. Ports: MONGO_EMULATOR_PORT (27018) and STREAM_EMULATOR_PORT (3030); Stream's WebSocket is then on 8800,
// the port the stream-chat SDK derives from :3030.
import { startMongoEmulator } from './mongo';
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
  console.log('# MongoDB wire-protocol emulator and Stream Chat emulator are running (Ctrl-C stops them).');
  console.log(
    '# Data lives in memory only. Give the API these lines as its environment (or put them in .env):',
  );
  console.log(`MONGODB_URI=${mongo.uri}lingo`);
  console.log(`STREAM_BASE_URL=${stream.baseUrl}`);
  console.log(`STREAM_API_KEY=${stream.apiKey}`);
  console.log(`STREAM_API_SECRET=${stream.apiSecret}`);
  const stop = () => {
    void Promise.all([mongo.close(), stream.close()]).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: Error) => {
  console.error(`emulators: ${error.message}`);
  process.exit(1);
});
