/**
 * The regression guard of `npm run bench`: the token route's CPU time per request (the quiet API's median, from
 * token.bench.ts) against the one recorded in bench/baseline.json for this Node major version. More than
 * GUARD_TOLERANCE over it is flagged and fails the run (exit code 1). CPU time per request is what a busy machine
 * disturbs least; the baseline names the machine it was taken on, since another machine shifts every figure.
 * BENCH_RECORD_BASELINE=1 records this run's figures as the new baseline (commit the file).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LadderReport } from './ladder.bench';
import { ROOT, round2 } from './lib';
import type { TokenReport } from './token.bench';

const FILE = join(ROOT, 'bench/baseline.json');
export const GUARD_TOLERANCE = 0.1;

export interface Baseline {
  recorded: string;
  machine: string;
  tokenCpuUsPerRequest: number;
  floorCpuUsPerRequest: number;
  /** Bytes the shipped app allocates per token request (the ladder's last rung), when the ladder ran. */
  tokenBytesPerRequest?: number;
}

export interface GuardResult {
  node: string;
  measuredUs: number;
  baseline?: Baseline;
  ratio?: number;
  flagged: boolean;
  message: string;
}

const nodeKey = () => `node${process.versions.node.split('.')[0]}`;
const readAll = (): Record<string, Baseline> =>
  existsSync(FILE) ? (JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, Baseline>) : {};

export function guardTokenCpu(token: TokenReport, ladder?: LadderReport): GuardResult {
  const node = nodeKey();
  const measuredUs = token.medians.api.cpuUsPerRequest ?? 0;
  const all = readAll();
  if (process.env.BENCH_RECORD_BASELINE === '1') {
    all[node] = {
      recorded: token.date,
      machine: token.machine,
      tokenCpuUsPerRequest: measuredUs,
      floorCpuUsPerRequest: token.medians.floor.cpuUsPerRequest ?? 0,
      tokenBytesPerRequest: ladder?.steps.at(-1)?.allocation.bytesPerRequest,
    };
    writeFileSync(FILE, `${JSON.stringify(all, null, 2)}\n`);
    return {
      node,
      measuredUs,
      flagged: false,
      message: `baseline recorded for ${node}: ${measuredUs} µs/request`,
    };
  }
  const baseline = all[node];
  if (!baseline)
    return {
      node,
      measuredUs,
      flagged: false,
      message: `no ${node} baseline in bench/baseline.json: not checked`,
    };
  const ratio = round2(measuredUs / baseline.tokenCpuUsPerRequest);
  const flagged = ratio > 1 + GUARD_TOLERANCE;
  const where =
    baseline.machine === token.machine ? '' : ` (recorded on another machine: ${baseline.machine})`;
  const message =
    `token route CPU ${measuredUs} µs/request, ${ratio}× the ${node} baseline of ` +
    `${baseline.tokenCpuUsPerRequest} µs (${baseline.recorded.slice(0, 10)})${where}: ` +
    (flagged ? `REGRESSION, more than ${GUARD_TOLERANCE * 100} % over` : 'within the guard');
  return { node, measuredUs, baseline, ratio, flagged, message };
}
