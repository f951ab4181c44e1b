/**
 * How long the built admin CLI takes to answer, without any configuration (`npm run build` first): --help,
 * --version, a usage error, and a command refused for a missing MONGODB_URI (target: --help and --version
 * under 1 s). Prints a table and writes bench/results/cli-startup.json. BENCH_RUNS sets runs per case (default 10).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machine, ROOT } from './lib';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const CASES: [string, string[]][] = [
  ['--help', ['--help']],
  ['--version', ['--version']],
  ['migrate --help', ['migrate', '--help']],
  ['usage error (unknown option)', ['migrate', '--bogus']],
  ['refused: no MONGODB_URI', ['delete-users', '6950844d3994ac8a5b117496', '--yes']],
];

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

const rows = CASES.map(([name, args]) => {
  const times: number[] = [];
  let status: number | null = null;
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    const run = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), ...args], {
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
    });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    status = run.status;
  }
  times.sort((a, b) => a - b);
  return {
    case: name,
    exitCode: status,
    medianMs: Math.round(percentile(times, 0.5)),
    maxMs: Math.round(times[times.length - 1]),
  };
});

console.table(rows);
writeFileSync(
  join(ROOT, 'bench', 'results', 'cli-startup.json'),
  `${JSON.stringify({ machine: machine(), runs: RUNS, rows }, null, 2)}\n`,
);
