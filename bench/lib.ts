import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import mongoose from 'mongoose';
import { startMongoEmulator, startStreamEmulator } from 'offline-emulators';

export const ROOT = join(__dirname, '..');
export const RESULTS = join(ROOT, 'bench/results');
export const JWT_SECRET = 'bench-jwt-secret-bench-jwt-secret-0123456789';

/** A positive number from the environment, or the default. */
export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return value;
}

/**
 * Ports free right now on every interface (the API listens on all), all different: fixed ports collide with other
 * runs on a shared machine. Take them after starting the stand-ins, which pick their own.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<typeof server>((ok) => server.listen(0, () => ok(server)));
    }),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  return ports;
}

/**
 * Starts `node <args>` with env and resolves once `url` answers (any status). The process carries the heap probe
 * (heap-probe.cjs, over an IPC channel: see askProbe).
 */
export async function startProcess(
  args: string[],
  env: Record<string, string>,
  url: string,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', join(ROOT, 'bench/heap-probe.cjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    // stdout is a pipe that is drained, as under a container runtime: the log's cost is part of what is measured.
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  child.stdout?.resume();
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    try {
      await fetch(url);
      return child;
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not come up`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/**
 * Starts the built API (dist/main.js, or main.js in another build folder) on `port`, with Node's default heap
 * unless BENCH_NODE_FLAGS (or `flags`) says otherwise.
 */
export function startApi(
  port: number,
  env: Record<string, string>,
  dist = join(ROOT, 'dist'),
  flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
): Promise<ChildProcess> {
  if (!existsSync(join(dist, 'main.js'))) throw new Error(`no ${dist}/main.js: run npm run build first`);
  return startProcess(
    [...flags, join(dist, 'main.js')],
    { ...env, PORT: String(port) },
    `http://127.0.0.1:${port}/api/health`,
  );
}

/** Starts a bench/*.ts server through ts-node. */
export function startBenchServer(
  file: string,
  port: number,
  env: Record<string, string>,
): Promise<ChildProcess> {
  return startProcess(
    ['-r', 'ts-node/register/transpile-only', join(ROOT, 'bench', file)],
    { ...env, PORT: String(port) },
    `http://127.0.0.1:${port}/`,
  );
}

const procStatus = (pid: number, field: string): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)\\s+kB`).exec(status)?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
};
/** Resident set size now, in MB (Linux). */
export const rssMb = (pid: number): number => procStatus(pid, 'VmRSS');
/** Peak resident set size since start or the last resetPeakRss, in MB (Linux). */
export const peakRssMb = (pid: number): number => procStatus(pid, 'VmHWM');
/** Resets the kernel's peak-RSS mark to the current RSS, so the next reading covers one run only. */
export const resetPeakRss = (pid: number): void => writeFileSync(`/proc/${pid}/clear_refs`, '5');

/** CPU time (user + system) a process has used so far, in ms (Linux; clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  // Fields after the command name, which is in parentheses and may contain spaces: utime and stime are 12 and 13.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Asks a server's heap probe (heap-probe.cjs) and resolves with its answer. */
export function askProbe<T>(child: ChildProcess, message: { probe: string; file?: string }): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (answer: { probe?: string }) => {
      if (answer?.probe !== message.probe) return;
      child.off('message', onMessage);
      resolve(answer as T);
    };
    child.on('message', onMessage);
    child.send(message, (error) => error && reject(error));
  });
}

export interface Allocation {
  /** Bytes the server's JavaScript heap allocated per request. */
  bytesPerRequest: number;
  /** Garbage collections per 1,000 requests, and their pause time per request. */
  collectionsPer1000: number;
  gcUsPerRequest: number;
  /** The live heap after a full collection, taken while the load still runs (the steady state), in MB. */
  liveHeapMb: number;
}

/**
 * What `requests` requests cost the server's heap: bytes allocated (heap growth plus what the collections freed,
 * from V8's GC profiler) over a fixed number of requests, then the live heap after a full collection under load.
 */
export async function measureAllocation(
  child: ChildProcess,
  url: string,
  options: { requests: number; connections: number; headers?: Record<string, string> },
): Promise<Allocation> {
  const common = { url, connections: options.connections, headers: options.headers };
  await askProbe(child, { probe: 'alloc-start' });
  const run = await autocannon({ ...common, amount: options.requests });
  const alloc = await askProbe<{ bytes: number; collections: number; gcMs: number }>(child, {
    probe: 'alloc-stop',
  });
  const total = Math.max(1, run.requests.total);
  const steady = autocannon({ ...common, duration: 3 });
  await new Promise((r) => setTimeout(r, 1500));
  const { usedHeapBytes } = await askProbe<{ usedHeapBytes: number }>(child, { probe: 'gc' });
  await steady;
  return {
    bytesPerRequest: Math.round(alloc.bytes / total),
    collectionsPer1000: round2((alloc.collections * 1000) / total),
    gcUsPerRequest: round2((alloc.gcMs * 1000) / total),
    liveHeapMb: round2(usedHeapBytes / 2 ** 20),
  };
}

export interface LoadResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  /** The server's CPU time per request (when its pid is given): barely moved by other load, unlike req/s. */
  cpuUsPerRequest?: number;
  /** The load generator's (this process's) CPU time over the run's wall time: 1 is a whole core. */
  generatorCores?: number;
}

export interface LoadOptions {
  seconds: number;
  connections: number;
  headers?: Record<string, string>;
  method?: 'GET' | 'POST';
  body?: string;
  /** The server process, to measure its CPU time per request. */
  pid?: number;
}

export async function load(url: string, options: LoadOptions): Promise<LoadResult> {
  const cpuBefore = options.pid ? cpuMs(options.pid) : 0;
  const generatorBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const result = await autocannon({
    url,
    headers: options.headers,
    method: options.method ?? 'GET',
    body: options.body,
    connections: options.connections,
    duration: options.seconds,
  });
  const generator = process.cpuUsage(generatorBefore);
  return {
    requestsPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    generatorCores: round2((generator.user + generator.system) / 1000 / (performance.now() - wallBefore)),
    ...(options.pid && {
      cpuUsPerRequest: round2(((cpuMs(options.pid) - cpuBefore) * 1000) / Math.max(1, result.requests.total)),
    }),
  };
}

export const round2 = (n: number): number => Math.round(n * 100) / 100;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface Backends {
  /** A MongoDB URI for a database of this name (a fresh one per run on a real server). */
  mongoUri(db: string): string;
  database: string;
  stream: { apiKey: string; apiSecret: string; baseUrl: string };
  close(): Promise<void>;
}

/** The Stream emulator, and the Mongo emulator unless BENCH_MONGODB_URI names a real server. */
export async function startBackends(): Promise<Backends> {
  const external = process.env.BENCH_MONGODB_URI;
  const mongo = external ? undefined : await startMongoEmulator({ port: 0 });
  const stream = await startStreamEmulator({ port: 0 });
  const suffix = external ? `_${Date.now()}` : '';
  const used = new Set<string>();
  const mongoUri = (db: string) => {
    const uri = new URL(external ?? (mongo as { uri: string }).uri);
    uri.pathname = `/${db}${suffix}`;
    used.add(uri.toString());
    return uri.toString();
  };
  return {
    mongoUri,
    database: external ? 'MongoDB (BENCH_MONGODB_URI)' : 'offline-emulators Mongo emulator',
    stream,
    close: async () => {
      // A real server keeps what the run wrote: drop the run's databases.
      for (const uri of external ? used : []) {
        const conn = await mongoose.createConnection(uri).asPromise();
        await conn.dropDatabase();
        await conn.close();
      }
      await stream.close();
      await mongo?.close();
    },
  };
}

/** The API's environment against these backends; rate limits raised so the load is never throttled. */
/** Required in production (second factors' secrets are sealed with it); a fixed bench-only key. */
export const MFA_ENCRYPTION_KEYS = `bench:${Buffer.alloc(32, 7).toString('base64')}`;

export const apiEnv = (backends: Backends, db: string): Record<string, string> => ({
  NODE_ENV: 'production',
  MONGODB_URI: backends.mongoUri(db),
  STREAM_API_KEY: backends.stream.apiKey,
  STREAM_API_SECRET: backends.stream.apiSecret,
  STREAM_BASE_URL: backends.stream.baseUrl,
  JWT_SECRET_KEY: JWT_SECRET,
  // Required in production; no mail is sent here.
  SMTP_URL: 'smtp://127.0.0.1:2525',
  MFA_ENCRYPTION_KEYS,
  THROTTLE_LOGIN_LIMIT: '1000000',
  THROTTLE_SIGNUP_LIMIT: '1000000',
});

/** Signs up over HTTP and returns the `jwt=...` cookie. */
export async function signup(api: string, account: { email: string; password: string; fullName: string }) {
  const res = await fetch(`${api}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  if (res.status !== 201 || !cookie.startsWith('jwt=')) throw new Error(`signup failed: ${res.status}`);
  return cookie;
}

export const machine = (): string => {
  const list = cpus();
  const memGb = Math.round(totalmem() / 2 ** 30);
  return `${list.length} x ${list[0]?.model ?? 'unknown CPU'}, ${memGb} GB, Node ${process.version}, ${process.platform}`;
};

// Keep in step with the Dockerfile's CMD.
export const PROD_NODE_FLAGS = ['--max-old-space-size=128', '--max-semi-space-size=16'];

/** How the benchmarks run the built API: in production, against the stand-ins. */
export const productionEnv = (
  mongoUri: string,
  stream: { apiKey: string; apiSecret: string; baseUrl: string },
  port: number,
): Record<string, string> => ({
  NODE_ENV: 'production',
  MONGODB_URI: mongoUri,
  STREAM_API_KEY: stream.apiKey,
  STREAM_API_SECRET: stream.apiSecret,
  STREAM_BASE_URL: stream.baseUrl,
  JWT_SECRET_KEY: 'bench-jwt-secret-bench-jwt-secret-0123456789',
  // Required in production; no mail is sent here.
  SMTP_URL: 'smtp://127.0.0.1:2525',
  PORT: String(port),
});
export function writeResult(name: string, data: unknown): string {
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, name);
  writeFileSync(file, typeof data === 'string' ? data : `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

/** A benchmark run on its own: run it, write its JSON report, print its tables. */
export function runReport<T>(file: string, run: () => Promise<T>, print: (report: T) => void): void {
  runMain(async () => {
    const report = await run();
    writeResult(file, report);
    print(report);
  });
}

/** Runs main, printing the error and exiting 1 on failure (the bench scripts' entry points). */
export function runMain(main: () => Promise<unknown>): void {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
