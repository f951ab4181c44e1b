/**
 * `npm run bench:ab`: one change measured against the build before it, GET /api/chats/token interleaved
 * (A, B, A, B... BENCH_PAIRS pairs of BENCH_SECONDS runs), median of the pair ratios B ÷ A.
 * A is the build folder in BENCH_AB_BASE (a copy of dist/ made before the change, kept inside the repository so
 * it resolves node_modules); B is dist/, or BENCH_AB_CHANGED. Both run at once against the same stand-ins.
 * Then the bytes each allocates per request over BENCH_ALLOC_REQUESTS requests (lib.ts measureAllocation), A then B.
 * BENCH_AB_FLAGS_A / BENCH_AB_FLAGS_B give one side its own Node flags: the same build, two heap settings.
 */
import { resolve } from 'node:path';
import {
  apiEnv,
  envNumber,
  freePorts,
  load,
  LoadResult,
  measureAllocation,
  median,
  round2,
  runMain,
  signup,
  startApi,
  startBackends,
  stopProcess,
} from './lib';

/** Node flags for one side (e.g. the image's heap cap), else BENCH_NODE_FLAGS as for every API process. */
const nodeFlags = (name: string): string[] | undefined => process.env[name]?.split(' ').filter(Boolean);

runMain(async () => {
  const base = process.env.BENCH_AB_BASE;
  if (!base)
    throw new Error('BENCH_AB_BASE: the folder of the build to compare with (e.g. cp -r dist .ab-base)');
  const seconds = envNumber('BENCH_SECONDS', 10);
  const pairs = envNumber('BENCH_PAIRS', 5);
  const connections = envNumber('BENCH_CONNECTIONS', 50);
  const backends = await startBackends();
  const env = apiEnv(backends, 'bench_ab');
  const [portA, portB] = await freePorts(2);
  const a = await startApi(portA, env, resolve(base), nodeFlags('BENCH_AB_FLAGS_A'));
  const b = await startApi(
    portB,
    env,
    resolve(process.env.BENCH_AB_CHANGED ?? 'dist'),
    nodeFlags('BENCH_AB_FLAGS_B'),
  );
  try {
    const cookie = await signup(`http://127.0.0.1:${portA}`, {
      email: 'ab@example.com',
      password: 'bench-password',
      fullName: 'AB',
    });
    const run = (port: number, secs = seconds) =>
      load(`http://127.0.0.1:${port}/api/chats/token`, {
        seconds: secs,
        connections,
        headers: { cookie },
        pid: port === portA ? a.pid : b.pid,
      });
    await run(portA, 3);
    await run(portB, 3);
    const rows: { a: LoadResult; b: LoadResult }[] = [];
    for (let i = 0; i < pairs; i += 1) {
      const row = { a: await run(portA), b: await run(portB) };
      rows.push(row);
      console.log(
        `pair ${i + 1}: A ${row.a.requestsPerSec} req/s p99 ${row.a.p99Ms} ms ${row.a.cpuUsPerRequest} µs CPU/req, ` +
          `B ${row.b.requestsPerSec} req/s p99 ${row.b.p99Ms} ms ${row.b.cpuUsPerRequest} µs CPU/req`,
      );
    }
    const rps = round2(median(rows.map((r) => r.b.requestsPerSec / r.a.requestsPerSec)));
    const p99 = round2(median(rows.map((r) => r.b.p99Ms / Math.max(1, r.a.p99Ms))));
    const cpu = round2(median(rows.map((r) => (r.b.cpuUsPerRequest ?? 0) / (r.a.cpuUsPerRequest ?? 1))));
    const alloc = (child: typeof a, port: number) =>
      measureAllocation(child, `http://127.0.0.1:${port}/api/chats/token`, {
        requests: envNumber('BENCH_ALLOC_REQUESTS', 20_000),
        connections,
        headers: { cookie },
      });
    const [allocA, allocB] = [await alloc(a, portA), await alloc(b, portB)];
    const cpuA = median(rows.map((r) => r.a.cpuUsPerRequest ?? 0));
    const cpuB = median(rows.map((r) => r.b.cpuUsPerRequest ?? 0));
    console.log(`CPU µs/request (median): A ${cpuA}, B ${cpuB}`);
    console.log(
      `bytes allocated per request: A ${allocA.bytesPerRequest}, B ${allocB.bytesPerRequest} ` +
        `(${round2(allocB.bytesPerRequest / allocA.bytesPerRequest)}×); live heap after a full GC under load: ` +
        `A ${allocA.liveHeapMb} MB, B ${allocB.liveHeapMb} MB`,
    );
    console.log(`B ÷ A, median of ${pairs} pairs: req/s ${rps}×, p99 ${p99}×, CPU per request ${cpu}×`);
  } finally {
    await stopProcess(b);
    await stopProcess(a);
    await backends.close();
  }
});
