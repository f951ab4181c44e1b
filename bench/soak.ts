/**
 * Soak: many users run the whole journey at once against the built API (dist/main.js: `npm run build` first)
 * and the MongoDB and Stream emulators, all on 127.0.0.1. Each virtual pair of users signs up, onboards, sends
 * and accepts a friend request, fetches chat tokens and opens their direct channel, then starts again with new
 * accounts until SOAK_SECONDS (default 600) are up. SOAK_PAIRS (default 10) pairs run concurrently. The API runs
 * with the Docker image's heap cap (PROD_NODE_FLAGS).
 *
 * Heap snapshots: after SOAK_WARMUP_SECONDS (default 30) of the same load, the load pauses, the sync worker drains
 * and the API writes a heap snapshot (start); the same once the soak ends (end). Both follow a full collection,
 * so they hold what is retained; they are compared by constructor (bench/results/soak/*.heapsnapshot, open them
 * in Chrome DevTools' Memory tab to dig further).
 *
 * Reports: journeys and requests done, unexpected responses (any status the journey does not expect, or a failed
 * connection), Stream syncs still pending once the load stops (after up to SOAK_SETTLE_SECONDS, default 15, for
 * the sync worker to drain), the API's RSS at 20 s against its mean over the last 20 s, and the retained objects
 * and heap at start and end with the constructors that grew most. Targets: 0 unexpected, 0 pending, last-20-s RSS
 * within 20 % of the 20-s RSS, retained objects and bytes within 10 % of the start's; exit code 1 when one is
 * missed. Writes bench/results/soak.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMongoEmulator, startStreamEmulator } from 'offline-emulators';
import { heapCensus, HeapCensus, topGrowth } from './heap-snapshot';
import {
  askProbe,
  machine,
  MFA_ENCRYPTION_KEYS,
  PROD_NODE_FLAGS,
  ROOT,
  startProcess,
  stopProcess,
} from './lib';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const WARMUP_SECONDS = Number(process.env.SOAK_WARMUP_SECONDS ?? 30);
const PAIRS = Number(process.env.SOAK_PAIRS ?? 10);
const SETTLE_SECONDS = Number(process.env.SOAK_SETTLE_SECONDS ?? 15);
const API_PORT = Number(process.env.SOAK_PORT ?? 5098);
const RSS_WINDOW_S = 20;
/** Retained objects or bytes at the end may exceed the start's by this share (bounded caches fill up). */
const HEAP_GROWTH_LIMIT = 0.1;
const SNAPSHOTS = join(ROOT, 'bench/results/soak');
/** At most this many unexpected responses are kept as samples (all are counted). */
const SAMPLES = 10;

const api = `http://127.0.0.1:${API_PORT}`;

interface Tally {
  journeys: number;
  requests: number;
  unexpected: number;
  samples: string[];
}

const tally: Tally = { journeys: 0, requests: 0, unexpected: 0, samples: [] };

function unexpected(what: string): void {
  tally.unexpected += 1;
  if (tally.samples.length < SAMPLES) tally.samples.push(what);
}

/** One request; a status outside `expected` (or no response at all) is counted and ends the journey. */
async function call(
  method: string,
  path: string,
  expected: number[],
  opts: { cookie?: string; body?: unknown } = {},
): Promise<{ status: number; body: unknown; cookie?: string }> {
  tally.requests += 1;
  let res: Response;
  try {
    res = await fetch(`${api}${path}`, {
      method,
      headers: {
        ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(opts.cookie ? { cookie: opts.cookie } : {}),
      },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch (e) {
    unexpected(`${method} ${path}: ${(e as Error).message}`);
    throw e;
  }
  const text = await res.text();
  if (!expected.includes(res.status)) {
    unexpected(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
    throw new Error('unexpected status');
  }
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('jwt='))
    ?.split(';')[0];
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined, cookie };
}

let accounts = 0;
const LANGUAGES = ['english', 'spanish', 'french', 'german', 'japanese', 'portuguese'];

async function newUser(): Promise<{ id: string; cookie: string }> {
  accounts += 1;
  const n = accounts;
  const signup = await call('POST', '/api/auth/signup', [201], {
    body: { email: `soak${n}_${process.pid}@soak.test`, password: 'soak-password-1', fullName: `Soak ${n}` },
  });
  const cookie = signup.cookie as string;
  await call('PUT', '/api/auth/onboarding', [200], {
    cookie,
    body: {
      fullName: `Soak ${n}`,
      bio: 'Here for the long run',
      nativeLanguage: LANGUAGES[n % LANGUAGES.length],
      learningLanguage: LANGUAGES[(n + 1) % LANGUAGES.length],
      location: 'Loopback',
    },
  });
  return { id: (signup.body as { user: { _id: string } }).user._id, cookie };
}

/** Signup and onboarding for two users, a friend request one way, accepted, tokens, the direct channel. */
async function journey(): Promise<void> {
  const [a, b] = await Promise.all([newUser(), newUser()]);
  await call('GET', '/api/users?limit=10', [200], { cookie: a.cookie });
  const sent = await call('POST', `/api/users/friend-request/${b.id}`, [201], { cookie: a.cookie });
  await call('GET', '/api/users/friend-requests', [200], { cookie: b.cookie });
  await call('PUT', `/api/users/friend-request/${(sent.body as { _id: string })._id}/accept`, [200], {
    cookie: b.cookie,
  });
  await Promise.all([
    call('GET', '/api/chats/token', [200], { cookie: a.cookie }),
    call('GET', '/api/chats/token', [200], { cookie: b.cookie }),
  ]);
  await call('POST', `/api/chats/channels/direct/${b.id}`, [201], { cookie: a.cookie });
  await call('POST', `/api/chats/channels/direct/${a.id}`, [200], { cookie: b.cookie });
  await call('GET', '/api/users/friends', [200], { cookie: a.cookie });
  tally.journeys += 1;
}

function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return Math.round(kb / 102.4) / 10;
}

async function pendingSyncs(): Promise<number> {
  const res = await fetch(`${api}/api/health`);
  const body = (await res.json()) as { info?: { stream?: { pendingSyncs?: number } } };
  return body.info?.stream?.pendingSyncs ?? Number.NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/main.js'))) throw new Error('run npm run build first');
  const mongo = await startMongoEmulator({ port: 0 });
  const stream = await startStreamEmulator({ port: 0 });
  const app = await startProcess(
    // As the image runs it: with its heap cap (an out-of-memory would show as failed requests).
    [...PROD_NODE_FLAGS, join(ROOT, 'dist/main.js')],
    {
      NODE_ENV: 'production',
      MONGODB_URI: `${mongo.uri}soak`,
      STREAM_API_KEY: stream.apiKey,
      STREAM_API_SECRET: stream.apiSecret,
      STREAM_BASE_URL: stream.baseUrl,
      JWT_SECRET_KEY: 'soak-jwt-secret-soak-jwt-secret-0123456789',
      THROTTLE_SIGNUP_LIMIT: '1000000',
      THROTTLE_LOGIN_LIMIT: '1000000',
      SMTP_URL: 'smtp://127.0.0.1:2525', // required in production, never used by this journey
      MFA_ENCRYPTION_KEYS,
      PORT: String(API_PORT),
    },
    `${api}/api/health`,
  );
  const pid = app.pid as number;
  /** Runs the journeys until `seconds` are up, then lets the sync worker drain; the syncs still pending. */
  const loadFor = async (seconds: number): Promise<number> => {
    const deadline = Date.now() + seconds * 1000;
    // Bounded: each worker stops at the deadline; a failed journey is counted and the worker goes on.
    await Promise.all(
      Array.from({ length: PAIRS }, async () => {
        while (Date.now() < deadline) await journey().catch(() => undefined);
      }),
    );
    let pending = await pendingSyncs();
    for (let waited = 0; pending !== 0 && waited < SETTLE_SECONDS; waited += 1) {
      await sleep(1000);
      pending = await pendingSyncs();
    }
    return pending;
  };
  const snapshot = async (name: string): Promise<HeapCensus> => {
    mkdirSync(SNAPSHOTS, { recursive: true });
    const { file } = await askProbe<{ file: string }>(app, {
      probe: 'snapshot',
      file: join(SNAPSHOTS, `${name}.heapsnapshot`),
    });
    return heapCensus(file);
  };
  const rss: { t: number; mb: number }[] = [];
  let sampler: NodeJS.Timeout | undefined;
  try {
    await loadFor(WARMUP_SECONDS);
    const start = await snapshot('start');
    const started = Date.now();
    sampler = setInterval(() => rss.push({ t: (Date.now() - started) / 1000, mb: rssMb(pid) }), 1000);
    const pending = await loadFor(SECONDS);
    clearInterval(sampler);
    const end = await snapshot('end');
    const growth = {
      objects: Math.round(((end.objects - start.objects) / start.objects) * 1000) / 10,
      bytes: Math.round(((end.bytes - start.bytes) / start.bytes) * 1000) / 10,
    };

    const at20 = rss.find((s) => s.t >= RSS_WINDOW_S)?.mb ?? Number.NaN;
    const last = rss.filter((s) => s.t >= SECONDS - RSS_WINDOW_S).map((s) => s.mb);
    const lastMean = Math.round((last.reduce((a, b) => a + b, 0) / last.length) * 10) / 10;
    const drift = Math.round(((lastMean - at20) / at20) * 1000) / 10;
    const result = {
      date: new Date().toISOString(),
      machine: machine(),
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      pairs: PAIRS,
      journeys: tally.journeys,
      requests: tally.requests,
      requestsPerSec: Math.round(tally.requests / (SECONDS + WARMUP_SECONDS)),
      unexpected: tally.unexpected,
      unexpectedSamples: tally.samples,
      streamSyncsPending: pending,
      rssAt20sMb: at20,
      rssLast20sMeanMb: lastMean,
      rssLast20sMaxMb: Math.max(...last),
      rssDriftPercent: drift,
      retainedObjects: { start: start.objects, end: end.objects, growthPercent: growth.objects },
      retainedMb: {
        start: Math.round(start.bytes / 104857.6) / 10,
        end: Math.round(end.bytes / 104857.6) / 10,
        growthPercent: growth.bytes,
      },
      topGrowth: topGrowth(start, end),
    };
    console.table({
      ...result,
      unexpectedSamples: tally.samples.length,
      retainedObjects: `${start.objects} → ${end.objects} (${growth.objects} %)`,
      retainedMb: `${result.retainedMb.start} → ${result.retainedMb.end} (${growth.bytes} %)`,
      topGrowth: undefined,
    });
    console.table(result.topGrowth);
    for (const sample of tally.samples) console.log(`unexpected: ${sample}`);
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench/results/soak.json'), `${JSON.stringify(result, null, 2)}\n`);
    const met =
      tally.unexpected === 0 &&
      pending === 0 &&
      Math.abs(drift) <= 20 &&
      Math.max(growth.objects, growth.bytes) <= HEAP_GROWTH_LIMIT * 100;
    console.log(met ? 'soak: all targets met' : 'soak: TARGET MISSED');
    if (!met) process.exitCode = 1;
  } finally {
    clearInterval(sampler);
    await stopProcess(app);
    await stream.close();
    await mongo.close();
  }
}

main().catch((error: Error) => {
  console.error(`soak: ${error.message}`);
  process.exit(1);
});
