/**
 * `npm run bench:profile`: a CPU profile of the built API (`node --cpu-prof dist/main.js`) while
 * GET /api/chats/token runs under load (BENCH_SECONDS, BENCH_CONNECTIONS), then the top self-time frames, grouped
 * by package and by function (start-up and warm-up left out). The .cpuprofile lands in bench/results/profile/ (open it in Chrome DevTools).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  apiEnv,
  envNumber,
  freePorts,
  load,
  RESULTS,
  round2,
  runMain,
  signup,
  startApi,
  startBackends,
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

runMain(async () => {
  const seconds = envNumber('BENCH_SECONDS', 10);
  const connections = envNumber('BENCH_CONNECTIONS', 50);
  const dir = join(RESULTS, 'profile');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const backends = await startBackends();
  const [port] = await freePorts(1);
  const base = `http://127.0.0.1:${port}`;
  process.env.BENCH_NODE_FLAGS = `${process.env.BENCH_NODE_FLAGS ?? ''} --cpu-prof --cpu-prof-dir=${dir}`;
  const spawnedAt = performance.now();
  const api = await startApi(port, apiEnv(backends, 'bench_profile'));
  const window = { fromMs: 0, toMs: 0 };
  try {
    const cookie = await signup(base, {
      email: 'profile@example.com',
      password: 'bench-password',
      fullName: 'P',
    });
    const url = `${base}/api/chats/token`;
    await load(url, { seconds: Math.min(3, seconds), connections, headers: { cookie } });
    window.fromMs = performance.now() - spawnedAt;
    const result = await load(url, { seconds, connections, headers: { cookie } });
    window.toMs = performance.now() - spawnedAt;
    console.log(
      `${result.requestsPerSec} req/s, p99 ${result.p99Ms} ms (profiler attached: slower than a bench run)`,
    );
  } finally {
    // SIGINT lets Nest close and exit normally, which is when node writes the profile.
    const exited = new Promise((r) => api.once('exit', r));
    api.kill('SIGINT');
    await exited;
    await backends.close();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no .cpuprofile written');
  console.log(`profile: bench/results/profile/${file}; self time during the measured load, % of busy CPU:`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  console.table(selfTime(profile, window, (f) => origin(f.url), 20));
  console.table(selfTime(profile, window, (f) => `${f.functionName || '(anonymous)'} ${origin(f.url)}`, 30));
});
