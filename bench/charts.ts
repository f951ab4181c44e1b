/**
 * Renders the benchmark results as SVG with Vega-Lite (compiled to Vega, rendered headless by Vega's View).
 * `npm run bench` calls it after the runs; `npm run bench:charts` re-renders from bench/results/*.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import { RESULTS, runMain, writeResult } from './lib';
import type { LadderReport } from './ladder.bench';
import type { TokenReport } from './token.bench';
import { VARIANT_LABELS, VARIANTS } from './token.bench';
import type { UsersReport } from './users-recommendations.bench';

async function toSvg(spec: TopLevelSpec): Promise<string> {
  // Vega ships ESM only, with top-level await: a native import() (bench/tsconfig.json keeps it native).
  const vega = await import('vega');
  const { compile } = await import('vega-lite');
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

const subtitle = (r: { date: string; machine: string; database: string }) =>
  `${r.date.slice(0, 10)} · ${r.machine} · ${r.database}`;

/** Median req/s and p99 per run kind, one bar each. */
function tokenSpec(r: TokenReport): TopLevelSpec {
  const values = VARIANTS.map((v) => ({ run: VARIANT_LABELS[v], ...r.medians[v] }));
  const y = { field: 'run', type: 'nominal', sort: null, title: null, axis: { labelLimit: 320 } } as const;
  return {
    title: {
      text: `GET /api/chats/token, ${r.connections} connections: median of ${r.rounds} interleaved rounds`,
      subtitle: subtitle(r),
    },
    data: { values },
    hconcat: [
      {
        width: 260,
        mark: { type: 'bar', color: '#4c78a8' },
        encoding: { y, x: { field: 'requestsPerSec', type: 'quantitative', title: 'requests/s' } },
      },
      {
        width: 260,
        mark: { type: 'bar', color: '#e45756' },
        encoding: {
          y: { ...y, axis: null },
          x: { field: 'p99Ms', type: 'quantitative', title: 'p99 latency (ms)' },
        },
      },
    ],
  };
}

/** Each target's ratio per round (dots), their median (tick) and the target (dashed rule). */
function targetsSpec(r: TokenReport): TopLevelSpec {
  const rows = r.targets.map((t) => ({
    width: 420,
    height: 40,
    title: {
      text: `${t.name} (${t.met === null ? 'report only' : `target ${t.target}`})`,
      fontSize: 11,
      anchor: 'start' as const,
    },
    data: {
      values: [
        ...t.perRound.map((value, i) => ({ value, kind: `round ${i + 1}` })),
        { value: t.median, kind: 'median' },
        ...(t.met === null ? [] : [{ value: Number(t.target.split(' ')[1]), kind: 'target' }]),
      ],
    },
    layer: [
      {
        transform: [{ filter: "datum.kind !== 'median' && datum.kind !== 'target'" }],
        mark: { type: 'circle', size: 60, opacity: 0.6, color: '#4c78a8' },
        encoding: {
          x: { field: 'value', type: 'quantitative', title: t.unit, scale: { zero: true } },
          tooltip: { field: 'kind' },
        },
      },
      {
        transform: [{ filter: "datum.kind === 'median'" }],
        mark: { type: 'tick', thickness: 3, color: '#000' },
        encoding: { x: { field: 'value', type: 'quantitative' } },
      },
      {
        transform: [{ filter: "datum.kind === 'target'" }],
        mark: { type: 'rule', strokeDash: [4, 3], color: '#e45756', strokeWidth: 2 },
        encoding: { x: { field: 'value', type: 'quantitative' } },
      },
    ],
  }));
  return {
    title: {
      text: 'Targets: per-round ratios (dots), their median (bar), target (dashed)',
      subtitle: subtitle(r),
    },
    vconcat: rows,
  } as TopLevelSpec;
}

function memorySpec(r: TokenReport): TopLevelSpec {
  const values = [
    { run: 'after warm-up', mb: r.memory.idleRssMb },
    ...r.runs.apiLogins.map((x, i) => ({ run: `round ${i + 1}: token load + logins`, mb: x.peakRssMb ?? 0 })),
    { run: `login burst (${r.loginBurst.connections} connections)`, mb: r.loginBurst.peakRssMb },
  ];
  return {
    title: {
      text: `API resident memory (peak per run), Node flags: ${r.nodeFlags || 'none (default heap)'}`,
      subtitle: subtitle(r),
    },
    width: 420,
    layer: [
      {
        data: { values },
        mark: { type: 'bar', color: '#72b7b2' },
        encoding: {
          y: { field: 'run', type: 'nominal', sort: null, title: null, axis: { labelLimit: 320 } },
          x: { field: 'mb', type: 'quantitative', title: 'RSS (MB)' },
        },
      },
      {
        data: { values: [{ mb: 200 }] },
        mark: { type: 'rule', strokeDash: [4, 3], color: '#e45756', strokeWidth: 2 },
        encoding: { x: { field: 'mb', type: 'quantitative' } },
      },
    ],
  };
}

/** The ladder: what each layer adds, in CPU time and in bytes allocated per request. */
function ladderSpec(r: LadderReport): TopLevelSpec {
  const values = r.steps.map((s) => ({
    layer: s.label,
    addedCpuUs: s.addedCpuUs,
    cpuUsPerRequest: s.cpuUsPerRequest,
    bytesPerRequest: s.allocation.bytesPerRequest,
  }));
  const y = { field: 'layer', type: 'nominal', sort: null, title: null, axis: { labelLimit: 320 } } as const;
  const bars = (field: string, title: string, color: string, axis = true) => ({
    width: 200,
    mark: { type: 'bar' as const, color },
    encoding: {
      y: axis ? y : { ...y, axis: null },
      x: { field, type: 'quantitative' as const, title },
      tooltip: { field, type: 'quantitative' as const },
    },
  });
  return {
    title: {
      text: `The ladder, GET /api/chats/token: median of ${r.rounds} interleaved rounds, ${r.connections} connections`,
      subtitle: subtitle(r),
    },
    data: { values },
    hconcat: [
      bars('cpuUsPerRequest', 'server CPU µs per request', '#4c78a8'),
      bars('addedCpuUs', 'added by the layer (µs)', '#f58518', false),
      bars('bytesPerRequest', 'bytes allocated per request', '#72b7b2', false),
    ],
  };
}

function usersSpec(r: UsersReport): TopLevelSpec {
  const values = r.measured.flatMap((m) => [
    { users: m.users.toLocaleString('en'), page: 'first page, median', ms: m.page1MedianMs },
    { users: m.users.toLocaleString('en'), page: 'first page, p95', ms: m.page1P95Ms },
    { users: m.users.toLocaleString('en'), page: 'second page, median', ms: m.page2MedianMs },
  ]);
  return {
    title: {
      text: `GET /api/users (page of ${r.measured[0]?.pageSize}): ${r.requests} sequential requests`,
      subtitle: subtitle(r),
    },
    data: { values },
    width: 140,
    mark: 'bar',
    encoding: {
      column: { field: 'page', type: 'nominal', title: null },
      x: { field: 'users', type: 'nominal', title: 'onboarded users', sort: null },
      y: { field: 'ms', type: 'quantitative', title: 'ms' },
      color: { field: 'users', type: 'nominal', legend: null },
    },
  };
}

/** Writes bench/results/*.svg for whichever reports are given; returns the files written. */
export async function renderCharts(
  token?: TokenReport,
  users?: UsersReport,
  ladder?: LadderReport,
): Promise<string[]> {
  const charts: [string, TopLevelSpec][] = [];
  if (ladder) charts.push(['ladder.svg', ladderSpec(ladder)]);
  if (token) {
    charts.push(['token.svg', tokenSpec(token)], ['token-targets.svg', targetsSpec(token)]);
    charts.push(['memory.svg', memorySpec(token)]);
  }
  if (users) charts.push(['users-recommendations.svg', usersSpec(users)]);
  const files: string[] = [];
  for (const [name, spec] of charts) files.push(writeResult(name, await toSvg(spec)));
  return files;
}

if (require.main === module) {
  runMain(async () => {
    const read = <T>(name: string) => JSON.parse(readFileSync(join(RESULTS, name), 'utf8')) as T;
    const files = await renderCharts(
      read<TokenReport>('token.json'),
      read<UsersReport>('users-recommendations.json'),
      read<LadderReport>('ladder.json'),
    );
    console.log(files.join('\n'));
  });
}
