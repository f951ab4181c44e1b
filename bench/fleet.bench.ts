/**
 * What running as a fleet costs and how fast an instance leaves, against the built app (`npm run build` first):
 *  1. GET /api/chats/token with the JSON access line (LOG_LEVEL=info) and without it (LOG_LEVEL=warn):
 *     the API process's CPU time per request (user + system, from /proc), which other load on a shared machine
 *     disturbs far less than throughput; interleaved rounds of REQUESTS each; stdout goes to /dev/null;
 *  2. SIGTERM with a request in flight: how long until that response, and from it until the process exits.
 * Prints a table and writes bench/results/fleet.json. BENCH_REQUESTS sets each round's size (default 20000).
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMongoEmulator, startStreamEmulator } from 'offline-emulators';
import autocannon from 'autocannon';
import { load, machine, PROD_NODE_FLAGS, productionEnv, ROOT, startProcess, stopProcess } from './lib';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const ROUNDS = 3;
const API_PORT = 5096;

async function main(): Promise<void> {
  const mongo = await startMongoEmulator({ port: 0 });
  const stream = await startStreamEmulator({ port: 0 });
  const env = productionEnv(`${mongo.uri}bench`, stream, API_PORT);
  const api = `http://127.0.0.1:${API_PORT}/api`;
  const startApi = (extra: Record<string, string>) =>
    startProcess(
      [...PROD_NODE_FLAGS, join(ROOT, 'dist/main.js')],
      { ...env, ...extra },
      `${api}/health/live`,
    );

  const account = { email: 'bench@example.com', password: 'bench-password', fullName: 'Bench' };
  let app = await startApi({});
  const signup = await fetch(`${api}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  });
  const cookie = (signup.headers.get('set-cookie') ?? '').split(';')[0];
  if (signup.status !== 201) throw new Error(`signup failed: ${signup.status}`);
  await stopProcess(app);

  const runs: Record<string, { cpuUsPerRequest: number; requestsPerSec: number }[]> = {
    accessLog: [],
    noAccessLog: [],
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, level] of [
      ['accessLog', 'info'],
      ['noAccessLog', 'warn'],
    ] as const) {
      app = await startApi({ LOG_LEVEL: level });
      await load(`${api}/chats/token`, { headers: { cookie }, seconds: 2, connections: 50 }); // warm-up
      const cpuBefore = cpuSeconds(app.pid as number);
      const run = await autocannon({
        url: `${api}/chats/token`,
        headers: { cookie },
        connections: 50,
        amount: REQUESTS,
      });
      const cpu = cpuSeconds(app.pid as number) - cpuBefore;
      if (run.non2xx > 0 || run.errors > 0)
        throw new Error(`${name}: ${run.non2xx} non-2xx, ${run.errors} errors`);
      runs[name].push({ cpuUsPerRequest: (cpu / REQUESTS) * 1e6, requestsPerSec: run.requests.average });
      await stopProcess(app);
    }
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const summarize = (rs: (typeof runs)[string]) => ({
    cpuUsPerRequest: Math.round(median(rs.map((r) => r.cpuUsPerRequest))),
    requestsPerSec: Math.round(median(rs.map((r) => r.requestsPerSec))),
  });
  const token = { accessLog: summarize(runs.accessLog), noAccessLog: summarize(runs.noAccessLog) };

  const shutdown = await measureShutdown({ ...env, SHUTDOWN_DRAIN_MS: '0' }, api, stream.faults);
  await stream.close();
  await mongo.close();

  console.table(
    Object.entries(token).map(([run, r]) => ({
      run,
      'CPU µs/request': r.cpuUsPerRequest,
      'req/s': r.requestsPerSec,
    })),
  );
  console.table([shutdown]);
  const accessLineCpuUs = token.accessLog.cpuUsPerRequest - token.noAccessLog.cpuUsPerRequest;
  const result = {
    machine: machine(),
    date: new Date().toISOString(),
    requestsPerRound: REQUESTS,
    rounds: ROUNDS,
    token,
    accessLineCpuUs,
    shutdown,
  };
  writeFileSync(join(ROOT, 'bench/results/fleet.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`the access line costs ${accessLineCpuUs} µs of CPU per request`);
}

/** SIGTERM while a signup waits 800 ms on Stream: when its response comes, and when the process has exited. */
async function measureShutdown(
  env: Record<string, string>,
  api: string,
  faults: { setLatency(ms: number): void },
): Promise<{
  inFlightStatus: number;
  responseAfterSigtermMs: number;
  exitAfterResponseMs: number;
  exit: string;
}> {
  const child = spawn(process.execPath, [...PROD_NODE_FLAGS, join(ROOT, 'dist/main.js')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  for (;;) {
    if (
      await fetch(`${api}/health/live`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const exited = new Promise<{ at: number; how: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ at: performance.now(), how: signal ?? `code ${code}` })),
  );
  faults.setLatency(800);
  const body = JSON.stringify({ email: 'bye@example.com', password: 'bench-password', fullName: 'Bye' });
  const inFlight = fetch(`${api}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  await new Promise((r) => setTimeout(r, 200));
  const sigterm = performance.now();
  child.kill('SIGTERM');
  const response = await inFlight;
  const answered = performance.now();
  const exit = await exited;
  faults.setLatency(0);
  return {
    inFlightStatus: response.status,
    responseAfterSigtermMs: Math.round(answered - sigterm),
    exitAfterResponseMs: Math.round(exit.at - answered),
    exit: exit.how,
  };
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});

/** User + system CPU time a process has used, in seconds (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime: in clock ticks of 1/100 s
}
