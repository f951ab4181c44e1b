/**
 * POST /api/stream/webhook: how fast a verified call is acknowledged, against Stream's 6 s per attempt, while the
 * work it queues is slow. The built API (`npm run build` first) runs with STREAM_WEBHOOK_USER_DELETED=delete, so
 * each user.deleted goes through the deletion path (Stream lookups, delete task), and the Stream emulator answers
 * every call after BENCH_STREAM_LATENCY_MS (default 1500). BENCH_REQUESTS (default 200) signed calls are sent one
 * after another, each with a new X-Webhook-Id, then as many replays. Prints a table, writes
 * bench/results/webhook.json.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Types } from 'mongoose';
import { startMongoEmulator, startStreamEmulator } from 'offline-emulators';
import { machine, productionEnv, ROOT, startProcess, stopProcess } from './lib';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const STREAM_LATENCY_MS = Number(process.env.BENCH_STREAM_LATENCY_MS ?? 1500);
const API_PORT = 5095;

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function main(): Promise<void> {
  const mongo = await startMongoEmulator({ port: 0 });
  const stream = await startStreamEmulator({ port: 0 });
  const api = `http://127.0.0.1:${API_PORT}`;
  const app = await startProcess(
    [join(ROOT, 'dist/main.js')],
    { ...productionEnv(`${mongo.uri}bench`, stream, API_PORT), STREAM_WEBHOOK_USER_DELETED: 'delete' },
    `${api}/api/health`,
  );
  stream.faults.setLatency(STREAM_LATENCY_MS);

  const send = async (id: string, body: string): Promise<{ ms: number; status: string }> => {
    const signature = createHmac('sha256', stream.apiSecret).update(body).digest('hex');
    const started = performance.now();
    const res = await fetch(`${api}/api/stream/webhook`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Webhook-Id': id, 'X-Signature': signature },
      body,
    });
    const { status } = (await res.json()) as { status: string };
    return { ms: performance.now() - started, status };
  };

  const calls = Array.from({ length: REQUESTS }, () => ({
    id: randomUUID(),
    body: JSON.stringify({
      type: 'user.deleted',
      user: { id: new Types.ObjectId().toString() },
      created_at: new Date().toISOString(),
    }),
  }));
  const rows: Record<string, { p50: number; p95: number; max: number; outcome: string }> = {};
  // The same calls twice: first new (each queues a deletion), then replays of the same ids (dropped).
  for (const label of ['new calls (deletion queued)', 'replays (duplicates)']) {
    const times: number[] = [];
    const outcomes = new Set<string>();
    for (const call of calls) {
      const { ms, status } = await send(call.id, call.body);
      times.push(ms);
      outcomes.add(status);
    }
    times.sort((a, b) => a - b);
    rows[label] = {
      p50: Math.round(quantile(times, 0.5) * 10) / 10,
      p95: Math.round(quantile(times, 0.95) * 10) / 10,
      max: Math.round(times[times.length - 1] * 10) / 10,
      outcome: [...outcomes].join(','),
    };
  }

  await stopProcess(app);
  await stream.close();
  await mongo.close();

  console.log(
    `POST /api/stream/webhook, ${REQUESTS} sequential calls, Stream latency ${STREAM_LATENCY_MS} ms`,
  );
  console.table(rows);
  const dir = join(ROOT, 'bench/results');
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'webhook.json'),
    JSON.stringify(
      { machine: machine(), requests: REQUESTS, streamLatencyMs: STREAM_LATENCY_MS, rows },
      null,
      2,
    ),
  );
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
