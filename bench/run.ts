/**
 * `npm run bench`: every benchmark against the built app (`npm run build` first) and the stand-ins
 * (BENCH_MONGODB_URI: a real MongoDB): the token endpoint with its targets, the login burst and memory
 * (token.bench.ts), the regression guard on its CPU per request (regression-guard.ts: exit code 1 when it trips), the
 * layer ladder with allocation per request (ladder.bench.ts), recommended users at 100 and 10,000 users (users-recommendations.bench.ts), then the webhook
 * acknowledgement, the admin CLI's start-up and the access line's cost (webhook, cli-startup, fleet: own tables).
 * Writes bench/results/*.json, *.svg and summary.md (the tables in Markdown), then prints the tables.
 * Quick run: BENCH_SECONDS=3 BENCH_PAIRS=2 BENCH_REQUESTS=100 npm run bench. BENCH_TOKEN_ONLY=1 runs only the token
 * benchmark and the ladder (the recommendations' figures then come from their last JSON report).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { guardTokenCpu } from './regression-guard';
import { renderCharts } from './charts';
import { ladderMarkdown, printLadderReport, runLadderBench } from './ladder.bench';
import { RESULTS, ROOT, runMain, writeResult } from './lib';
import { printTokenReport, runTokenBench, tokenMarkdown } from './token.bench';
import type { UsersReport } from './users-recommendations.bench';
import { printUsersReport, runUsersBench, usersMarkdown } from './users-recommendations.bench';

const all = process.env.BENCH_TOKEN_ONLY !== '1';

runMain(async () => {
  const token = await runTokenBench();
  writeResult('token.json', token);
  const ladder = await runLadderBench();
  writeResult('ladder.json', ladder);
  const guard = guardTokenCpu(token, ladder);
  const users = all
    ? await runUsersBench()
    : (JSON.parse(readFileSync(join(RESULTS, 'users-recommendations.json'), 'utf8')) as UsersReport);
  writeResult('users-recommendations.json', users);
  const charts = await renderCharts(token, users, ladder);
  writeResult(
    'summary.md',
    `${token.date.slice(0, 10)}, ${token.machine}, ${token.database}\n\n${tokenMarkdown(token)}\n\n` +
      `Regression guard: ${guard.message}\n\n${ladderMarkdown(ladder)}\n\n${usersMarkdown(users)}\n`,
  );
  printTokenReport(token);
  printLadderReport(ladder);
  printUsersReport(users);
  console.log(`\ncharts: ${charts.map((f) => f.replace(/.*\/bench\//, 'bench/')).join(', ')}`);
  for (const file of all ? ['webhook.bench.ts', 'cli-startup.bench.ts', 'fleet.bench.ts'] : []) {
    console.log(`\n${file}`);
    const run = spawnSync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(ROOT, 'bench', file)],
      {
        cwd: ROOT,
        stdio: 'inherit',
      },
    );
    if (run.status !== 0) throw new Error(`${file} exited with ${run.status}`);
  }
  console.log(`\nregression guard: ${guard.message}`);
  if (guard.flagged) process.exitCode = 1;
});
