/**
 * GET /api/users (recommended users, one page) with 100 and then 10,000 onboarded users, against the built API
 * (dist/main.js: `npm run build` first) and the Mongo and Stream emulators (BENCH_MONGODB_URI: a real MongoDB).
 * Users are inserted straight into MongoDB (one bcrypt hash for all); one user signs in over HTTP.
 * Each size: BENCH_WARMUP requests (default 50), then BENCH_REQUESTS sequential ones (default 300) for the
 * first page and as many for the second page (cursor from the Link header). Prints a table and the
 * 10k/100 ratio of the first-page medians (target <= 2); run alone, writes bench/results/users-recommendations.json.
 */
import bcrypt from 'bcrypt';
import mongoose, { Types } from 'mongoose';
import {
  apiEnv,
  Backends,
  envNumber,
  freePorts,
  machine,
  round2,
  runReport,
  signup,
  startApi,
  startBackends,
  stopProcess,
} from './lib';

const WARMUP = envNumber('BENCH_WARMUP', 50);
const REQUESTS = envNumber('BENCH_REQUESTS', 300);
const SIZES = [100, 10_000];
const LANGUAGES = ['english', 'spanish', 'french', 'german', 'japanese', 'portuguese', 'italian', 'korean'];

export interface Measured {
  users: number;
  pageSize: number;
  page1MedianMs: number;
  page1P95Ms: number;
  page2MedianMs: number;
}

const quantile = (sorted: number[], q: number): number =>
  Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] * 100) / 100;

async function timeRequests(url: string, cookie: string): Promise<{ median: number; p95: number }> {
  for (let i = 0; i < WARMUP; i += 1) await get(url, cookie);
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i += 1) {
    const started = process.hrtime.bigint();
    await get(url, cookie);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { median: quantile(times, 0.5), p95: quantile(times, 0.95) };
}

async function get(url: string, cookie: string): Promise<{ body: unknown[]; link: string | null }> {
  const res = await fetch(url, { headers: { cookie } });
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return { body: (await res.json()) as unknown[], link: res.headers.get('link') };
}

export interface UsersReport {
  date: string;
  machine: string;
  app: string;
  database: string;
  warmup: number;
  requests: number;
  measured: Measured[];
  summary: { ratio10kTo100: number; target: string; pass: boolean };
}

export async function runUsersBench(): Promise<UsersReport> {
  // BENCH_MONGODB_URI measures a real MongoDB (which uses the indexes) instead of the emulator (which scans).
  const backends = await startBackends();
  const mongoUri = backends.mongoUri('bench_users');
  const [port] = await freePorts(1);
  const api = `http://127.0.0.1:${port}`;
  const app = await startApi(port, apiEnv(backends, 'bench_users'));
  try {
    return await measure(api, mongoUri, backends);
  } finally {
    await stopProcess(app);
    await backends.close();
  }
}

async function measure(api: string, mongoUri: string, backends: Backends): Promise<UsersReport> {
  const cookie = await signup(api, { email: 'me@bench.test', password: 'bench-password', fullName: 'Me' });
  const onboarding = await fetch(`${api}/api/auth/onboarding`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({
      fullName: 'Me',
      bio: 'benchmarking',
      nativeLanguage: 'english',
      learningLanguage: 'spanish',
      location: 'Bench',
    }),
  });
  if (onboarding.status !== 200) throw new Error(`onboarding: ${onboarding.status}`);

  const conn = await mongoose.createConnection(mongoUri).asPromise();
  const users = conn.collection('users');
  const hash = await bcrypt.hash('seeded-password', 10);
  let seeded = 1; // me
  const seedUpTo = async (total: number) => {
    const docs = [];
    for (; seeded < total; seeded += 1) {
      const createdAt = new Date(Date.UTC(2024, 0, 1) + seeded * 60_000);
      docs.push({
        _id: new Types.ObjectId(),
        email: `seed${seeded}@bench.test`,
        password: hash,
        fullName: `Seed ${seeded}`,
        bio: 'hello',
        profilePic: `https://avatar.example/${seeded}.png`,
        nativeLanguage: LANGUAGES[seeded % LANGUAGES.length],
        // Every (native, learning) pair in turn, so all three tiers are populated at both sizes.
        learningLanguage: LANGUAGES[Math.floor(seeded / LANGUAGES.length) % LANGUAGES.length],
        location: 'Somewhere',
        isOnboarded: true,
        friends: [],
        profileVersion: 1,
        syncPending: false,
        syncAttempts: 0,
        syncNextAt: createdAt,
        createdAt,
        updatedAt: createdAt,
      });
    }
    for (let i = 0; i < docs.length; i += 1000) await users.insertMany(docs.slice(i, i + 1000));
  };

  const measured: Measured[] = [];
  for (const size of SIZES) {
    await seedUpTo(size);
    const first = await get(`${api}/api/users`, cookie);
    const next = first.link ? /^<([^>]+)>/.exec(first.link)?.[1] : undefined;
    if (!next) throw new Error('expected a next page');
    const page1 = await timeRequests(`${api}/api/users`, cookie);
    const page2 = await timeRequests(`${api}${next}`, cookie);
    measured.push({
      users: await users.countDocuments({ isOnboarded: true }),
      pageSize: first.body.length,
      page1MedianMs: page1.median,
      page1P95Ms: page1.p95,
      page2MedianMs: page2.median,
    });
  }

  await conn.close();

  const ratio = round2(measured[1].page1MedianMs / measured[0].page1MedianMs);
  return {
    date: new Date().toISOString(),
    machine: machine(),
    app: 'dist/main.js',
    database: backends.database,
    warmup: WARMUP,
    requests: REQUESTS,
    measured,
    summary: {
      ratio10kTo100: ratio,
      target: '<= 2',
      pass: ratio <= 2 && measured[0].pageSize === measured[1].pageSize,
    },
  };
}

export function printUsersReport(report: UsersReport): void {
  console.log(
    `\nGET /api/users (one page), ${report.requests} sequential requests per size, ${report.database}`,
  );
  console.table(report.measured);
  console.log(report.summary);
}

export function usersMarkdown(report: UsersReport): string {
  return [
    '| onboarded users | page size | first page median ms | first page p95 ms | second page median ms |',
    '| --- | --- | --- | --- | --- |',
    ...report.measured.map(
      (m) =>
        `| ${m.users.toLocaleString('en')} | ${m.pageSize} | ${m.page1MedianMs} | ${m.page1P95Ms} | ${m.page2MedianMs} |`,
    ),
    '',
    `10,000 ÷ 100 (first page medians): ${report.summary.ratio10kTo100} (target ${report.summary.target}).`,
  ].join('\n');
}

if (require.main === module) runReport('users-recommendations.json', runUsersBench, printUsersReport);
