/**
 * The layer ladder (`npm run bench:ladder`, part of `npm run bench`): GET /api/chats/token on the same Nest app
 * built up one layer at a time (bench/ladder-server.ts, from the built app's modules), then the shipped app
 * (dist/main.js). All servers stay up; each round runs every rung one after another (BENCH_SECONDS each,
 * BENCH_PAIRS rounds, BENCH_CONNECTIONS), with the same session cookie everywhere. Per rung: req/s, p99, the
 * server's CPU time per request and what the rung adds to the one below it (median of the per-round
 * differences), and how much of a core the load generator (this process, same Node) took. Then, once per rung,
 * the bytes allocated per request over BENCH_ALLOC_REQUESTS requests, and the live heap after a full collection
 * under load (lib.ts measureAllocation). Writes bench/results/ladder.json; run.ts adds the chart and the summary.
 */
import { ChildProcess } from 'node:child_process';
import { RUNGS } from './ladder-server';
import {
  Allocation,
  apiEnv,
  envNumber,
  freePorts,
  load,
  LoadResult,
  machine,
  measureAllocation,
  median,
  round2,
  runReport,
  signup,
  startApi,
  startBackends,
  startBenchServer,
  stopProcess,
} from './lib';

export const STEPS = [...RUNGS, 'shipped'] as const;
export type Step = (typeof STEPS)[number];
export const STEP_LABELS: Record<Step, string> = {
  floor: 'floor: Nest on Express, static JSON',
  cookies: '+ cookie parsing (cookie-parser)',
  helmet: '+ helmet',
  accessLog: '+ access log and request id',
  metrics: '+ metrics (duration histogram)',
  passport: '+ Passport JWT guard (session check stubbed)',
  userChecks: '+ session and user checks (cached)',
  streamToken: '+ Stream token signing: the chat route',
  shipped: 'the shipped app (dist/main.js)',
};

export interface LadderStep {
  step: Step;
  label: string;
  requestsPerSec: number;
  p99Ms: number;
  cpuUsPerRequest: number;
  /** What this rung adds to the one below, median of the per-round differences (CPU µs per request). */
  addedCpuUs: number;
  generatorCores: number;
  allocation: Allocation;
  addedBytes: number;
  runs: LoadResult[];
}

export interface LadderReport {
  date: string;
  machine: string;
  database: string;
  seconds: number;
  rounds: number;
  connections: number;
  allocRequests: number;
  steps: LadderStep[];
}

export async function runLadderBench(): Promise<LadderReport> {
  const seconds = envNumber('BENCH_SECONDS', 5);
  const rounds = envNumber('BENCH_PAIRS', 5);
  const connections = envNumber('BENCH_CONNECTIONS', 50);
  const allocRequests = envNumber('BENCH_ALLOC_REQUESTS', 20_000);
  const backends = await startBackends();
  const env = apiEnv(backends, 'bench_ladder');
  const ports = await freePorts(STEPS.length);
  const children = new Map<Step, ChildProcess>();
  try {
    const shippedPort = ports[STEPS.length - 1];
    children.set('shipped', await startApi(shippedPort, env));
    const cookie = await signup(`http://127.0.0.1:${shippedPort}`, {
      email: 'ladder@example.com',
      password: 'bench-password',
      fullName: 'Ladder',
    });
    for (const [i, rung] of RUNGS.entries())
      children.set(rung, await startBenchServer('ladder-server.ts', ports[i], { ...env, LADDER_RUNG: rung }));
    const url = (step: Step) => `http://127.0.0.1:${ports[STEPS.indexOf(step)]}/api/chats/token`;
    const run = (step: Step, secs = seconds) =>
      load(url(step), { seconds: secs, connections, headers: { cookie }, pid: children.get(step)?.pid });

    for (const step of STEPS) {
      const warm = await run(step, envNumber('BENCH_WARMUP_SECONDS', Math.min(3, seconds)));
      if (warm.non2xx > 0) throw new Error(`${step}: ${warm.non2xx} non-2xx answers`);
    }
    const runs = Object.fromEntries(STEPS.map((s) => [s, [] as LoadResult[]])) as Record<Step, LoadResult[]>;
    for (let round = 1; round <= rounds; round += 1) {
      for (const step of STEPS) runs[step].push(await run(step));
      console.error(
        `ladder round ${round}/${rounds}: ` +
          STEPS.map((s) => `${s} ${runs[s][round - 1].cpuUsPerRequest} µs/req`).join(', '),
      );
    }
    const allocations = new Map<Step, Allocation>();
    for (const step of STEPS)
      allocations.set(
        step,
        await measureAllocation(children.get(step) as ChildProcess, url(step), {
          requests: allocRequests,
          connections,
          headers: { cookie },
        }),
      );

    const cpu = (step: Step, i: number) => runs[step][i].cpuUsPerRequest ?? 0;
    const steps = STEPS.map((step, s): LadderStep => {
      const below = STEPS[s - 1];
      const allocation = allocations.get(step) as Allocation;
      return {
        step,
        label: STEP_LABELS[step],
        requestsPerSec: median(runs[step].map((r) => r.requestsPerSec)),
        p99Ms: median(runs[step].map((r) => r.p99Ms)),
        cpuUsPerRequest: round2(median(runs[step].map((_, i) => cpu(step, i)))),
        addedCpuUs: below ? round2(median(runs[step].map((_, i) => cpu(step, i) - cpu(below, i)))) : 0,
        generatorCores: round2(median(runs[step].map((r) => r.generatorCores ?? 0))),
        allocation,
        addedBytes: below
          ? allocation.bytesPerRequest - (allocations.get(below) as Allocation).bytesPerRequest
          : 0,
        runs: runs[step],
      };
    });
    return {
      date: new Date().toISOString(),
      machine: machine(),
      database: backends.database,
      seconds,
      rounds,
      connections,
      allocRequests,
      steps,
    };
  } finally {
    for (const child of children.values()) await stopProcess(child);
    await backends.close();
  }
}

const ladderRows = (r: LadderReport) =>
  r.steps.map((s) => ({
    layer: s.label,
    'req/s': s.requestsPerSec,
    'p99 ms': s.p99Ms,
    'CPU µs/req': s.cpuUsPerRequest,
    '+ CPU µs': s.addedCpuUs,
    'bytes/req': s.allocation.bytesPerRequest,
    '+ bytes': s.addedBytes,
    'live heap MB': s.allocation.liveHeapMb,
    'generator cores': s.generatorCores,
  }));

export function printLadderReport(report: LadderReport): void {
  console.log(
    `\nThe ladder, GET /api/chats/token: ${report.rounds} rounds of ${report.seconds} s, ${report.connections} ` +
      `connections, allocation over ${report.allocRequests} requests; ${report.machine}`,
  );
  console.table(ladderRows(report));
}

/** The ladder as Markdown, for docs/benchmarks.md. */
export function ladderMarkdown(report: LadderReport): string {
  const rows = ladderRows(report);
  const head = Object.keys(rows[0]);
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${Object.values(row).join(' | ')} |`),
  ].join('\n');
}

if (require.main === module) runReport('ladder.json', runLadderBench, printLadderReport);
