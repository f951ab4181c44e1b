/**
 * GET /api/chats/token against the built app (`npm run build` first) and the stand-ins (BENCH_MONGODB_URI: a real
 * MongoDB). All servers stay up for the whole session; each round runs, one after another:
 *   floor       Nest on Express serving one static JSON route: the ladder's first rung (bench/ladder-server.ts)
 *   api         the API, quiet; its peak RSS is read per run
 *   apiLogins   the API while BENCH_LOGINS_PER_SEC logins (bcrypt) run against it; its peak RSS is read per run
 *   apiCapped   a second API process with the image's heap cap (PROD_NODE_FLAGS); its peak RSS is read per run
 *   apiNoCache  a third API process with the user/session cache off: every request reads MongoDB (report only)
 *   seed        the seed app's route as users run it today (bench/seed-reference-server.ts, report only)
 * Targets are medians over the rounds of ratios taken inside one round, so the machine's drift cancels.
 * Then, once: a login burst (concurrent POST /api/auth/login) and the API's idle and peak RSS.
 * The API runs with Node's default heap (BENCH_NODE_FLAGS adds flags).
 */
import { ChildProcess } from 'node:child_process';
import {
  apiEnv,
  Backends,
  envNumber,
  freePorts,
  JWT_SECRET,
  load,
  LoadResult,
  machine,
  median,
  peakRssMb,
  PROD_NODE_FLAGS,
  resetPeakRss,
  round2,
  rssMb,
  runMain,
  signup,
  startApi,
  startBackends,
  startBenchServer,
  stopProcess,
  writeResult,
} from './lib';
import { guardTokenCpu } from './regression-guard';
import jwt from 'jsonwebtoken';

export const VARIANTS = ['floor', 'api', 'apiLogins', 'apiCapped', 'apiNoCache', 'seed'] as const;
export type Variant = (typeof VARIANTS)[number];
export const VARIANT_LABELS: Record<Variant, string> = {
  floor: 'Nest on Express floor (static JSON)',
  api: 'API, quiet',
  apiLogins: 'API while logins run',
  apiCapped: "API with the image's heap cap",
  apiNoCache: 'API, user/session cache off',
  seed: 'seed app (Express, DB read per request)',
};
// The setting that turns the hot path's user/session cache off (every request reads MongoDB).
const CACHE_OFF: Record<string, string> = { USER_EXISTS_CACHE_MS: '0' };
const ACCOUNT = { email: 'bench@example.com', password: 'bench-password', fullName: 'Bench' };

export interface TargetResult {
  name: string;
  /** One value per round. */
  perRound: number[];
  median: number;
  target: string;
  met: boolean | null;
  unit: string;
}

export interface TokenReport {
  date: string;
  machine: string;
  database: string;
  nodeFlags: string;
  seconds: number;
  rounds: number;
  connections: number;
  loginsPerSecTarget: number;
  runs: Record<
    Variant,
    (LoadResult & { loginsPerSec?: number; loginFailures?: number; peakRssMb?: number })[]
  >;
  medians: Record<Variant, LoadResult>;
  targets: TargetResult[];
  loginBurst: LoadResult & { connections: number; peakRssMb: number };
  memory: { idleRssMb: number; peakRssMbMax: number };
}

const target = (
  name: string,
  perRound: number[],
  goal: { max?: number; min?: number },
  unit: string,
): TargetResult => {
  const mid = round2(median(perRound));
  const met = goal.min !== undefined ? mid >= goal.min : goal.max !== undefined ? mid <= goal.max : null;
  const text =
    goal.min !== undefined ? `>= ${goal.min}` : goal.max !== undefined ? `<= ${goal.max}` : 'report only';
  return { name, perRound: perRound.map(round2), median: mid, target: text, met, unit };
};

export async function runTokenBench(): Promise<TokenReport> {
  const seconds = envNumber('BENCH_SECONDS', 10);
  const rounds = envNumber('BENCH_PAIRS', 5);
  const connections = envNumber('BENCH_CONNECTIONS', 50);
  const loginsPerSec = envNumber('BENCH_LOGINS_PER_SEC', 20);
  const warmupSeconds = envNumber('BENCH_WARMUP_SECONDS', Math.min(3, seconds));

  const backends: Backends = await startBackends();
  const [apiPort, cappedPort, noCachePort, floorPort, seedPort] = await freePorts(5);
  const PORTS = {
    api: apiPort,
    apiCapped: cappedPort,
    apiNoCache: noCachePort,
    floor: floorPort,
    seed: seedPort,
  };
  const env = apiEnv(backends, 'bench_token');
  const children: ChildProcess[] = [];
  const pids: Record<number, number> = {};
  const started = async (port: number, child: Promise<ChildProcess>) => {
    children.push(await child);
    pids[port] = children[children.length - 1].pid as number;
    return children[children.length - 1];
  };
  try {
    const api = await started(PORTS.api, startApi(PORTS.api, env));
    const base = `http://127.0.0.1:${PORTS.api}`;
    const cookie = await signup(base, ACCOUNT);
    const userId = (jwt.decode(cookie.slice('jwt='.length)) as { userId: string }).userId;
    const capped = await started(
      PORTS.apiCapped,
      startApi(PORTS.apiCapped, env, undefined, [
        ...PROD_NODE_FLAGS,
        ...(process.env.BENCH_NODE_FLAGS?.split(' ') ?? []),
      ]),
    );
    await started(PORTS.apiNoCache, startApi(PORTS.apiNoCache, { ...env, ...CACHE_OFF }));
    await started(
      PORTS.floor,
      startBenchServer('ladder-server.ts', PORTS.floor, { ...env, LADDER_RUNG: 'floor' }),
    );
    await started(
      PORTS.seed,
      startBenchServer('seed-reference-server.ts', PORTS.seed, {
        MONGODB_URI: env.MONGODB_URI,
        STREAM_API_KEY: env.STREAM_API_KEY,
        STREAM_API_SECRET: env.STREAM_API_SECRET,
        JWT_SECRET_KEY: JWT_SECRET,
      }),
    );
    // The seed signs { userId } with a 7-day expiry; its cookie for the same user.
    const seedCookie = `jwt=${jwt.sign({ userId }, JWT_SECRET, { expiresIn: '7d' })}`;

    const tokenRun = (port: number, headers: Record<string, string>, secs = seconds) =>
      load(`http://127.0.0.1:${port}/api/chats/token`, {
        seconds: secs,
        connections,
        headers,
        pid: pids[port],
      });
    const floorRun = (secs = seconds) => tokenRun(PORTS.floor, { cookie }, secs);
    /** A token run with the peak RSS of this run only. */
    const peakRun = async (child: ChildProcess, port: number) => {
      resetPeakRss(child.pid as number);
      const result = await tokenRun(port, { cookie });
      return { ...result, peakRssMb: peakRssMb(child.pid as number) };
    };
    const loginBody = JSON.stringify({ email: ACCOUNT.email, password: ACCOUNT.password });
    const login = () =>
      fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: loginBody,
      }).then((r) => r.status === 200);

    /** The token load while logins run at a fixed rate against the same process; peak RSS of this run only. */
    const withLogins = async () => {
      let ok = 0;
      let failed = 0;
      resetPeakRss(api.pid as number);
      const timer = setInterval(() => {
        void login().then(
          (good) => (good ? ok++ : failed++),
          () => failed++,
        );
      }, 1000 / loginsPerSec);
      const t0 = Date.now();
      const result = await tokenRun(PORTS.api, { cookie });
      clearInterval(timer);
      return {
        ...result,
        loginsPerSec: round2(ok / ((Date.now() - t0) / 1000)),
        loginFailures: failed,
        peakRssMb: peakRssMb(api.pid as number),
      };
    };

    // Warm-up: JIT, connection pools, caches.
    await floorRun(warmupSeconds);
    await tokenRun(PORTS.api, { cookie }, warmupSeconds);
    await tokenRun(PORTS.apiCapped, { cookie }, warmupSeconds);
    await tokenRun(PORTS.apiNoCache, { cookie }, warmupSeconds);
    await tokenRun(PORTS.seed, { cookie: seedCookie }, warmupSeconds);
    const idleRssMb = rssMb(api.pid as number);

    const runs = Object.fromEntries(VARIANTS.map((v) => [v, []])) as unknown as TokenReport['runs'];
    for (let round = 1; round <= rounds; round += 1) {
      runs.floor.push(await floorRun());
      runs.api.push(await peakRun(api, PORTS.api));
      runs.apiLogins.push(await withLogins());
      runs.apiCapped.push(await peakRun(capped, PORTS.apiCapped));
      runs.apiNoCache.push(await tokenRun(PORTS.apiNoCache, { cookie }));
      runs.seed.push(await tokenRun(PORTS.seed, { cookie: seedCookie }));
      const r = round - 1;
      console.error(
        `round ${round}/${rounds}: ` +
          VARIANTS.map((v) => `${v} ${runs[v][r].requestsPerSec} req/s p99 ${runs[v][r].p99Ms} ms`).join(
            ', ',
          ),
      );
    }

    resetPeakRss(api.pid as number);
    const burstConnections = 10;
    const burst = await load(`${base}/api/auth/login`, {
      seconds,
      connections: burstConnections,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: loginBody,
    });
    const loginBurst = { ...burst, connections: burstConnections, peakRssMb: peakRssMb(api.pid as number) };

    const ratio = (a: Variant, b: Variant, field: keyof LoadResult) =>
      runs[a].map((run, i) => (run[field] ?? 0) / Math.max(1, runs[b][i][field] ?? 0));
    const peakOf = (v: Variant) => runs[v].map((run) => run.peakRssMb as number);
    const peaks = peakOf('apiLogins');
    // Issue 25's targets (Node 24); the logins and RSS ones are issue 12's.
    const targets = [
      target('token req/s ÷ floor req/s', ratio('api', 'floor', 'requestsPerSec'), { min: 0.4 }, '×'),
      target(
        'token CPU/request ÷ floor CPU/request',
        ratio('api', 'floor', 'cpuUsPerRequest'),
        { max: 2.5 },
        '×',
      ),
      target(
        `token p99 ÷ floor p99 (${connections} connections)`,
        ratio('api', 'floor', 'p99Ms'),
        { max: 3 },
        '×',
      ),
      target(
        'heap-capped req/s ÷ default-heap req/s',
        ratio('apiCapped', 'api', 'requestsPerSec'),
        { min: 0.95 },
        '×',
      ),
      target(
        `token p99 with ${loginsPerSec} logins/s ÷ quiet p99`,
        ratio('apiLogins', 'api', 'p99Ms'),
        { max: 3 },
        '×',
      ),
      target('peak RSS during the logins run', peaks, { max: 200 }, 'MB'),
      target('peak RSS, token load, default heap', peakOf('api'), {}, 'MB'),
      target("peak RSS, token load, image's heap cap", peakOf('apiCapped'), {}, 'MB'),
      target('cache off req/s ÷ cached req/s', ratio('apiNoCache', 'api', 'requestsPerSec'), {}, '×'),
      target('seed app req/s ÷ API req/s', ratio('seed', 'api', 'requestsPerSec'), {}, '×'),
    ];
    const medians = Object.fromEntries(
      VARIANTS.map((v) => [
        v,
        {
          requestsPerSec: median(runs[v].map((x) => x.requestsPerSec)),
          p50Ms: median(runs[v].map((x) => x.p50Ms)),
          p99Ms: median(runs[v].map((x) => x.p99Ms)),
          cpuUsPerRequest: median(runs[v].map((x) => x.cpuUsPerRequest ?? 0)),
          non2xx: runs[v].reduce((s, x) => s + x.non2xx, 0),
          errors: runs[v].reduce((s, x) => s + x.errors, 0),
        },
      ]),
    ) as Record<Variant, LoadResult>;

    return {
      date: new Date().toISOString(),
      machine: machine(),
      database: backends.database,
      nodeFlags: process.env.BENCH_NODE_FLAGS ?? '',
      seconds,
      rounds,
      connections,
      loginsPerSecTarget: loginsPerSec,
      runs,
      medians,
      targets,
      loginBurst,
      memory: { idleRssMb, peakRssMbMax: Math.max(...peaks, ...peakOf('api'), loginBurst.peakRssMb) },
    };
  } finally {
    for (const child of children.reverse()) await stopProcess(child);
    await backends.close();
  }
}

export function printTokenReport(report: TokenReport): void {
  console.log(
    `\nGET /api/chats/token: ${report.rounds} rounds of ${report.seconds} s, ${report.connections} connections, ` +
      `${report.database}, ${report.machine}`,
  );
  console.table(
    VARIANTS.map((v) => ({
      run: VARIANT_LABELS[v],
      'req/s (median)': report.medians[v].requestsPerSec,
      'p50 ms': report.medians[v].p50Ms,
      'p99 ms': report.medians[v].p99Ms,
      'CPU µs/req': report.medians[v].cpuUsPerRequest,
      'non-2xx': report.medians[v].non2xx,
      errors: report.medians[v].errors,
    })),
  );
  console.table(
    report.targets.map((t) => ({
      measure: t.name,
      median: `${t.median} ${t.unit}`,
      target: t.target,
      met: t.met === null ? '(report)' : t.met ? 'yes' : 'NO',
      'per round': t.perRound.join(' '),
    })),
  );
  const b = report.loginBurst;
  console.log(
    `login burst (${b.connections} connections): ${b.requestsPerSec} logins/s, p50 ${b.p50Ms} ms, ` +
      `p99 ${b.p99Ms} ms, non-2xx ${b.non2xx}, peak RSS ${b.peakRssMb} MB; ` +
      `API idle RSS ${report.memory.idleRssMb} MB, peak ${report.memory.peakRssMbMax} MB`,
  );
}

/** The same tables as Markdown, for docs/benchmarks.md. */
export function tokenMarkdown(report: TokenReport): string {
  const rows = VARIANTS.map((v) => {
    const m = report.medians[v];
    const rps = Math.round(m.requestsPerSec).toLocaleString('en');
    return `| ${VARIANT_LABELS[v]} | ${rps} | ${m.p50Ms} | ${m.p99Ms} | ${m.cpuUsPerRequest} |`;
  });
  const targets = report.targets.map(
    (t) =>
      `| ${t.name} | ${t.median} ${t.unit} | ${t.perRound.join(', ')} | ${t.target} | ` +
      `${t.met === null ? '' : t.met ? 'met' : '**not met**'} |`,
  );
  const b = report.loginBurst;
  return [
    '| run (median of the rounds) | req/s | p50 ms | p99 ms | server CPU µs/request |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    '| measure | median | per round | target | |',
    '| --- | --- | --- | --- | --- |',
    ...targets,
    '',
    `Login burst (${b.connections} connections): ${b.requestsPerSec} logins/s, p50 ${b.p50Ms} ms, p99 ${b.p99Ms} ms, ` +
      `peak RSS ${b.peakRssMb} MB. API RSS after warm-up ${report.memory.idleRssMb} MB, highest peak ` +
      `${report.memory.peakRssMbMax} MB.`,
  ].join('\n');
}

if (require.main === module)
  runMain(async () => {
    const report = await runTokenBench();
    writeResult('token.json', report);
    printTokenReport(report);
    const guard = guardTokenCpu(report);
    console.log(`regression guard: ${guard.message}`);
    if (guard.flagged) process.exitCode = 1;
  });
