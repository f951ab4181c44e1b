/**
 * GET /api/chats/token under load, against the built app (`npm run build` first):
 *  1. bare node:http baseline (verify cookie JWT + sign a Stream token), and for reference the framework's own
 *     floor: Nest on Express serving one static JSON route (bench/nest-floor-server.ts),
 *  2. the API, quiet,
 *  3. the API while 20 logins per second run (bcrypt must stay off the event loop),
 *  4. the API with the user-exists cache disabled (every request reads MongoDB),
 *  5. run 3 again with Node's default heap limits, for peak RSS.
 * The API runs with the Dockerfile's node flags (PROD_NODE_FLAGS) unless said otherwise.
 * Prints a table and writes bench/results/token.json. BENCH_SECONDS sets each run's length (default 10).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMongoEmulator, startStreamEmulator } from 'offline-emulators';
import {
  load,
  LoadResult,
  machine,
  peakRssMb,
  PROD_NODE_FLAGS,
  productionEnv,
  ROOT,
  startProcess,
  stopProcess,
} from './lib';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const API_PORT = 5098;
const BASELINE_PORT = 5099;
const FLOOR_PORT = 5097;

async function main(): Promise<void> {
  const mongo = await startMongoEmulator({ port: 0 });
  const stream = await startStreamEmulator({ port: 0 });
  const env = {
    ...productionEnv(`${mongo.uri}bench`, stream, API_PORT),
    THROTTLE_LOGIN_LIMIT: '1000000',
    THROTTLE_SIGNUP_LIMIT: '1000000',
  };
  const api = `http://127.0.0.1:${API_PORT}`;
  const results: Record<string, LoadResult & { peakRssMb?: number; loginsPerSec?: number }> = {};

  const startApi = (extraEnv: Record<string, string> = {}, nodeFlags = PROD_NODE_FLAGS) =>
    startProcess([...nodeFlags, join(ROOT, 'dist/main.js')], { ...env, ...extraEnv }, `${api}/api/health`);
  const baseline = await startProcess(
    ['-r', 'ts-node/register/transpile-only', join(ROOT, 'bench/baseline-server.ts')],
    { ...env, PORT: String(BASELINE_PORT) },
    `http://127.0.0.1:${BASELINE_PORT}`,
  );
  let app = await startApi();

  const account = { email: 'bench@example.com', password: 'bench-password', fullName: 'Bench' };
  const signup = await fetch(`${api}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  });
  const cookie = (signup.headers.get('set-cookie') ?? '').split(';')[0];
  if (signup.status !== 201 || !cookie.startsWith('jwt=')) throw new Error(`signup failed: ${signup.status}`);
  const headers = { cookie };
  const tokenLoad = () => load(`${api}/api/chats/token`, headers, SECONDS);

  /** The token load while 20 logins per second (each a bcrypt compare) run against the same process. */
  const tokenLoadWithLogins = async () => {
    let ok = 0;
    let failed = 0;
    const timer = setInterval(() => {
      fetch(`${api}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: account.email, password: account.password }),
      }).then(
        (r) => (r.status === 200 ? ok++ : failed++),
        () => failed++,
      );
    }, 50);
    const started = Date.now();
    const result = await tokenLoad();
    clearInterval(timer);
    return { ...result, loginsPerSec: Math.round((ok / ((Date.now() - started) / 1000)) * 10) / 10, failed };
  };

  await load(`${api}/api/chats/token`, headers, 2); // warm-up (JIT, caches)
  results.baseline = await load(`http://127.0.0.1:${BASELINE_PORT}/`, headers, SECONDS);
  await stopProcess(baseline);
  const floor = await startProcess(
    ['-r', 'ts-node/register/transpile-only', join(ROOT, 'bench/nest-floor-server.ts')],
    { PORT: String(FLOOR_PORT) },
    `http://127.0.0.1:${FLOOR_PORT}`,
  );
  await load(`http://127.0.0.1:${FLOOR_PORT}/`, {}, 2);
  results.nestFloor = await load(`http://127.0.0.1:${FLOOR_PORT}/`, {}, SECONDS);
  await stopProcess(floor);
  results.quiet = await tokenLoad();
  const withLogins = await tokenLoadWithLogins();
  results.withLogins = { ...withLogins, peakRssMb: peakRssMb(app.pid as number) };
  await stopProcess(app);

  app = await startApi({ USER_EXISTS_CACHE_MS: '0' });
  await load(`${api}/api/chats/token`, headers, 2);
  results.noCache = await tokenLoad();
  await stopProcess(app);

  app = await startApi({}, []);
  await load(`${api}/api/chats/token`, headers, 2);
  const defaultHeap = await tokenLoadWithLogins();
  results.withLoginsDefaultHeap = { ...defaultHeap, peakRssMb: peakRssMb(app.pid as number) };
  await stopProcess(app);
  await stream.close();
  await mongo.close();

  const rows = Object.entries(results).map(([name, r]) => ({
    run: name,
    'req/s': r.requestsPerSec,
    'p50 ms': r.p50Ms,
    'p99 ms': r.p99Ms,
    'logins/s': r.loginsPerSec ?? '',
    'peak RSS MB': r.peakRssMb ?? '',
    non2xx: r.non2xx,
    errors: r.errors,
  }));
  console.table(rows);
  const summary = {
    throughputVsBaseline:
      Math.round((results.quiet.requestsPerSec / results.baseline.requestsPerSec) * 100) / 100,
    nestFloorVsBaseline:
      Math.round((results.nestFloor.requestsPerSec / results.baseline.requestsPerSec) * 100) / 100,
    p99QuietMs: results.quiet.p99Ms,
    p99WithLoginsVsQuiet:
      Math.round((results.withLogins.p99Ms / Math.max(1, results.quiet.p99Ms)) * 100) / 100,
    loginsPerSec: withLogins.loginsPerSec,
    loginFailures: withLogins.failed,
    peakRssMb: results.withLogins.peakRssMb,
    peakRssMbDefaultHeap: results.withLoginsDefaultHeap.peakRssMb,
    nodeFlags: PROD_NODE_FLAGS.join(' '),
    targets: {
      throughputVsBaseline: '>= 0.5',
      p99QuietMs: '< 25',
      p99WithLoginsVsQuiet: '<= 3',
      peakRssMb: '< 200',
    },
  };
  console.log(summary);
  const out = {
    date: new Date().toISOString(),
    machine: machine(),
    seconds: SECONDS,
    connections: 50,
    results,
    summary,
  };
  writeFileSync(join(ROOT, 'bench/results/token.json'), `${JSON.stringify(out, null, 2)}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
