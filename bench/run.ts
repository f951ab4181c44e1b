/**
 * `npm run bench`: every benchmark against the built app (`npm run build` first) and the stand-ins
 * (BENCH_MONGODB_URI: a real MongoDB): the token endpoint with its targets, the login burst and memory
 * (token.bench.ts), then recommended users at 100 and 10,000 users (users-recommendations.bench.ts).
 * Writes bench/results/*.json and *.svg, then prints the tables.
 * Quick run: BENCH_SECONDS=3 BENCH_PAIRS=2 BENCH_REQUESTS=100 npm run bench.
 */
import { renderCharts } from './charts';
import { runMain, writeResult } from './lib';
import { printTokenReport, runTokenBench } from './token.bench';
import { printUsersReport, runUsersBench } from './users-recommendations.bench';

runMain(async () => {
  const token = await runTokenBench();
  writeResult('token.json', token);
  const users = await runUsersBench();
  writeResult('users-recommendations.json', users);
  const charts = await renderCharts(token, users);
  printTokenReport(token);
  printUsersReport(users);
  console.log(`\ncharts: ${charts.map((f) => f.replace(/.*\/bench\//, 'bench/')).join(', ')}`);
});
