import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

export const ROOT = join(__dirname, '..');

/** Starts `node <script>` with env and resolves once `url` answers (any status). */
export async function startProcess(
  args: string[],
  env: Record<string, string>,
  url: string,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    try {
      await fetch(url);
      return child;
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not come up`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** Peak resident set size (VmHWM) of a process, in MB; Linux only. */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

export interface LoadResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

export async function load(url: string, headers: Record<string, string>, seconds: number, connections = 50) {
  const result = await autocannon({ url, headers, connections, duration: seconds });
  return {
    requestsPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  } satisfies LoadResult;
}

export const machine = (): string => {
  const list = cpus();
  return `${list.length} x ${list[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
};

// Keep in step with the Dockerfile's CMD.
export const PROD_NODE_FLAGS = ['--max-old-space-size=128'];

/** How the benchmarks run the built API: in production, against the stand-ins. */
export const productionEnv = (
  mongoUri: string,
  stream: { apiKey: string; apiSecret: string; baseUrl: string },
  port: number,
): Record<string, string> => ({
  NODE_ENV: 'production',
  MONGODB_URI: mongoUri,
  STREAM_API_KEY: stream.apiKey,
  STREAM_API_SECRET: stream.apiSecret,
  STREAM_BASE_URL: stream.baseUrl,
  JWT_SECRET_KEY: 'bench-jwt-secret-bench-jwt-secret-0123456789',
  // Required in production; no mail is sent here.
  SMTP_URL: 'smtp://127.0.0.1:2525',
  PORT: String(port),
});
