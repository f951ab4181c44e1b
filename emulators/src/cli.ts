// `npm run emulators`: the stand-ins as one long-running process, printing the env lines that point the API at
// them. Ports: MONGO_EMULATOR_PORT (27018), STREAM_EMULATOR_PORT (3030; Stream's WebSocket is then on 8800, the
// port the stream-chat SDK derives from :3030), SMTP_EMULATOR_PORT (1025) and its mail listing on
// SMTP_EMULATOR_HTTP_PORT (8025), OIDC_EMULATOR_PORT (9090). The OIDC provider's client: OIDC_EMULATOR_CLIENT_ID
// and OIDC_EMULATOR_CLIENT_SECRET, both or neither (default lingo-local and a new random secret); the user it signs
// in when no login_hint names one: OIDC_EMULATOR_EMAIL, _NAME, _SUB (default derived from the email), _PICTURE,
// _EMAIL_VERIFIED (true).
import { startMongoEmulator } from './mongo';
import { DEFAULT_TEST_USER, startOidcProvider, type OidcClient, type OidcTestUserInput } from './oidc';
import { startSmtpSink } from './smtp';
import { startStreamEmulator } from './stream';

const port = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    throw new Error(`${name} must be a port number`);
  return value;
};

function oidcClients(): OidcClient[] | undefined {
  const { OIDC_EMULATOR_CLIENT_ID: clientId, OIDC_EMULATOR_CLIENT_SECRET: clientSecret } = process.env;
  if (!clientId !== !clientSecret) {
    throw new Error('set both OIDC_EMULATOR_CLIENT_ID and OIDC_EMULATOR_CLIENT_SECRET, or neither');
  }
  return clientId && clientSecret ? [{ clientId, clientSecret }] : undefined;
}

function oidcTestUser(): OidcTestUserInput {
  const env = process.env;
  const verified = env.OIDC_EMULATOR_EMAIL_VERIFIED;
  if (verified !== undefined && verified !== 'true' && verified !== 'false') {
    throw new Error('OIDC_EMULATOR_EMAIL_VERIFIED must be true or false');
  }
  const fromEnv: OidcTestUserInput = {
    sub: env.OIDC_EMULATOR_SUB,
    email: env.OIDC_EMULATOR_EMAIL,
    name: env.OIDC_EMULATOR_NAME,
    picture: env.OIDC_EMULATOR_PICTURE,
    email_verified: verified === undefined ? undefined : verified === 'true',
  };
  const set = Object.entries(fromEnv).filter(([, value]) => value !== undefined);
  return { ...DEFAULT_TEST_USER, ...Object.fromEntries(set) };
}

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
  const oidc = await startOidcProvider({
    port: port('OIDC_EMULATOR_PORT', 9090),
    host,
    clients: oidcClients(),
    users: [oidcTestUser()],
  });
  console.log(
    '# MongoDB wire-protocol emulator, Stream Chat emulator, SMTP sink and OpenID Connect provider are running ' +
      '(Ctrl-C stops them).',
  );
  console.log(`# Mail sent to the SMTP sink (reset links included): ${smtp.mailUrl}`);
  console.log(
    `# OIDC sign-ins need no form (login_hint=<email> picks the user); control: ${oidc.controlUrl}`,
  );
  console.log(
    '# Data lives in memory only. Give the API these lines as its environment (or put them in .env):',
  );
  console.log(`MONGODB_URI=${mongo.uri}lingo`);
  console.log(`STREAM_BASE_URL=${stream.baseUrl}`);
  console.log(`STREAM_API_KEY=${stream.apiKey}`);
  console.log(`STREAM_API_SECRET=${stream.apiSecret}`);
  console.log(`SMTP_URL=${smtp.smtpUrl}`);
  console.log('OIDC_PROVIDERS=local');
  console.log(`OIDC_LOCAL_ISSUER=${oidc.issuer}`);
  console.log(`OIDC_LOCAL_CLIENT_ID=${oidc.clientId}`);
  console.log(`OIDC_LOCAL_CLIENT_SECRET=${oidc.clientSecret}`);
  const stop = () => {
    void Promise.all([mongo.close(), stream.close(), smtp.close(), oidc.close()]).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: Error) => {
  console.error(`emulators: ${error.message}`);
  process.exit(1);
});
