/**
 * `npm run bench:profile`: a CPU profile of the built API (`node --cpu-prof dist/main.js`), or of one rung of the
 * layer ladder (BENCH_PROFILE_RUNG=passport, see ladder-server.ts), while GET /api/chats/token runs under load
 * (BENCH_SECONDS, BENCH_CONNECTIONS), then the top self-time frames, grouped by package and by function (start-up
 * and warm-up left out). The .cpuprofile lands in bench/results/profile/ (open it in Chrome DevTools).
 * BENCH_PROFILE_KIND=alloc samples allocations instead (V8's sampling heap profiler through the heap probe,
 * collected objects included): bytes allocated during the measured load by package and by function, in
 * bench/results/profile/alloc.heapprofile.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  apiEnv,
  askProbe,
  envNumber,
  freePorts,
  load,
  RESULTS,
  round2,
  runMain,
  signup,
  startApi,
  startBackends,
  startProcess,
  stopProcess,
} from './lib';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame lives: a package name, a node: module, the app's own file, or the engine. */
const origin = (url: string): string => {
  if (!url) return '(engine)';
  if (url.startsWith('node:')) return url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  return pkg ?? url.replace(/^file:\/\/.*?\/(dist|src)\//, '$1/');
};

/**
 * Self time of the busy samples taken between fromMs and toMs after the profile started (the measured load,
 * without start-up or warm-up), as a share of the busy time, grouped by `key`; the top `limit` groups.
 */
function selfTime(
  profile: CpuProfile,
  window: { fromMs: number; toMs: number },
  key: (frame: CpuProfile['nodes'][number]['callFrame']) => string,
  limit: number,
): { frame: string; selfPct: number }[] {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const counts = new Map<string, number>();
  let busy = 0;
  let t = 0;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] / 1000;
    const frame = frames.get(id);
    if (!frame || t < window.fromMs || t > window.toMs || frame.functionName === '(idle)') return;
    busy += 1;
    counts.set(key(frame), (counts.get(key(frame)) ?? 0) + 1);
  });
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([frame, hits]) => ({ frame, selfPct: round2((hits / busy) * 100) }));
}

interface HeapProfileNode {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: HeapProfileNode[];
}

/** Bytes allocated per request by package and by function, from a sampling heap profile of `requests` requests. */
function printAllocations(file: string, requests: number): void {
  const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: HeapProfileNode };
  const top = (key: (f: HeapProfileNode['callFrame']) => string, limit: number) => {
    const sums = new Map<string, number>();
    const walk = (node: HeapProfileNode) => {
      sums.set(key(node.callFrame), (sums.get(key(node.callFrame)) ?? 0) + node.selfSize);
      node.children.forEach(walk);
    };
    walk(head);
    return [...sums.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([frame, bytes]) => ({ frame, bytesPerRequest: Math.round(bytes / Math.max(1, requests)) }));
  };
  console.log(`allocation profile: bench/results/profile/alloc.heapprofile, ${requests} requests (sampled):`);
  console.table(top((f) => origin(f.url), 20));
  console.table(top((f) => `${f.functionName || '(anonymous)'} ${origin(f.url)}`, 40));
}

runMain(async () => {
  const seconds = envNumber('BENCH_SECONDS', 10);
  const connections = envNumber('BENCH_CONNECTIONS', 50);
  const dir = join(RESULTS, 'profile');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const backends = await startBackends();
  const [port, rungPort] = await freePorts(2);
  const base = `http://127.0.0.1:${port}`;
  const env = apiEnv(backends, 'bench_profile');
  const rung = process.env.BENCH_PROFILE_RUNG;
  const alloc = process.env.BENCH_PROFILE_KIND === 'alloc';
  const profiling = alloc ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`];
  const spawnedAt = performance.now();
  const api = await startApi(port, env, undefined, rung ? [] : profiling);
  // The ladder's servers exit on SIGINT, which is when node writes the profile.
  const profiled = rung
    ? await startProcess(
        [...profiling, '-r', 'ts-node/register/transpile-only', join(__dirname, 'ladder-server.ts')],
        { ...env, LADDER_RUNG: rung, PORT: String(rungPort) },
        `http://127.0.0.1:${rungPort}/`,
      )
    : api;
  const window = { fromMs: 0, toMs: 0 };
  let requests = 0;
  try {
    const cookie = await signup(base, {
      email: 'profile@example.com',
      password: 'bench-password',
      fullName: 'P',
    });
    const url = `http://127.0.0.1:${rung ? rungPort : port}/api/chats/token`;
    await load(url, { seconds: Math.min(3, seconds), connections, headers: { cookie } });
    window.fromMs = performance.now() - spawnedAt;
    if (alloc) await askProbe(profiled, { probe: 'sampling-start' });
    const result = await load(url, { seconds, connections, headers: { cookie } });
    window.toMs = performance.now() - spawnedAt;
    if (alloc) {
      await askProbe(profiled, { probe: 'sampling-stop', file: join(dir, 'alloc.heapprofile') });
      requests = Math.round(result.requestsPerSec * seconds);
    }
    console.log(
      `${result.requestsPerSec} req/s, p99 ${result.p99Ms} ms (profiler attached: slower than a bench run)`,
    );
  } finally {
    // SIGINT lets Nest close and exit normally, which is when node writes the profile.
    const exited = new Promise((r) => profiled.once('exit', r));
    profiled.kill('SIGINT');
    await exited;
    await stopProcess(api);
    await backends.close();
  }
  if (alloc) return printAllocations(join(dir, 'alloc.heapprofile'), requests);
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no .cpuprofile written');
  console.log(`profile: bench/results/profile/${file}; self time during the measured load, % of busy CPU:`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  console.table(selfTime(profile, window, (f) => origin(f.url), 20));
  console.table(selfTime(profile, window, (f) => `${f.functionName || '(anonymous)'} ${origin(f.url)}`, 30));
});
