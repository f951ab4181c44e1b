/**
 * GET /api/users (recommended users, one page) with 100 and then 10,000 onboarded users, against the built API
 * (dist/main.js: `npm run build` first) and the Mongo and Stream emulators (BENCH_MONGODB_URI: a real MongoDB).
 * Users are inserted straight into MongoDB (one bcrypt hash for all); one user signs in over HTTP.
 * Each size: BENCH_WARMUP requests (default 50), then BENCH_REQUESTS sequential ones (default 300) for the
 * first page and as many for the second page (cursor from the Link header). Prints a table and the
 * 10k/100 ratio of the first-page medians (target <= 2), writes bench/results/users-recommendations.json.
 */
import bcrypt from 'bcrypt';
import mongoose, { Types } from 'mongoose';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMongoEmulator, startStreamEmulator } from 'offline-emulators';
import { machine, productionEnv, ROOT, startProcess, stopProcess } from './lib';

const WARMUP = Number(process.env.BENCH_WARMUP ?? 50);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const SIZES = [100, 10_000];
const API_PORT = 5096;
const LANGUAGES = ['english', 'spanish', 'french', 'german', 'japanese', 'portuguese', 'italian', 'korean'];

interface Measured {
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

async function main(): Promise<void> {
  // BENCH_MONGODB_URI measures a real MongoDB (which uses the indexes) instead of the emulator (which scans).
  const external = process.env.BENCH_MONGODB_URI;
  const mongo = external ? undefined : await startMongoEmulator({ port: 0 });
  const stream = await startStreamEmulator({ port: 0 });
  const mongoUri = external
    ? Object.assign(new URL(external), { pathname: `/bench_users_${Date.now()}` }).toString()
    : `${(mongo as { uri: string }).uri.replace(/\/$/, '')}/bench_users`;
  const api = `http://127.0.0.1:${API_PORT}`;
  if (!existsSync(join(ROOT, 'dist/main.js'))) throw new Error('run npm run build first');
  const entry = [join(ROOT, 'dist/main.js')];
  const app = await startProcess(
    entry,
    { ...productionEnv(mongoUri, stream, API_PORT), THROTTLE_SIGNUP_LIMIT: '1000000' },
    `${api}/api/health`,
  );

  const signup = await fetch(`${api}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'me@bench.test', password: 'bench-password', fullName: 'Me' }),
  });
  const cookie = (signup.headers.get('set-cookie') ?? '').split(';')[0];
  if (signup.status !== 201 || !cookie.startsWith('jwt=')) throw new Error(`signup: ${signup.status}`);
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

  if (external) await conn.dropDatabase();
  await conn.close();
  await stopProcess(app);
  await stream.close();
  await mongo?.close();

  console.table(measured);
  const ratio = Math.round((measured[1].page1MedianMs / measured[0].page1MedianMs) * 100) / 100;
  const summary = {
    ratio10kTo100: ratio,
    target: '<= 2',
    pass: ratio <= 2 && measured[0].pageSize === measured[1].pageSize,
  };
  console.log(summary);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(
    join(ROOT, 'bench/results/users-recommendations.json'),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: machine(),
        app: 'dist/main.js',
        database: external ? 'MongoDB (BENCH_MONGODB_URI)' : 'offline-emulators Mongo emulator',
        warmup: WARMUP,
        requests: REQUESTS,
        measured,
        summary,
      },
      null,
      2,
    )}\n`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
