import { createHmac, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type {
  StreamEmulatorWebhookConfig,
  StreamEmulatorWebhookDelivery,
  StreamEmulatorWebhooks,
} from './types';

type Json = Record<string, unknown>;

/**
 * Stream's documented webhook policy (chat/docs/…/webhooks_overview, "Error Handling"): each attempt times out
 * after 6 s; a 408, 429 or 5xx answer is tried 3 times, a network error 2 times, a timeout 3 times; all attempts of
 * one event together stay within 15 s. Any other answer (2xx, or a 4xx such as a 401 for a bad signature) ends the
 * delivery. Every attempt carries the same X-Webhook-Id, X-Webhook-Attempt counts from 1.
 */
const MAX_ATTEMPTS = { status: 3, network: 2, timeout: 3 } as const;
const RETRYABLE_STATUS = (status: number): boolean => status === 408 || status === 429 || status >= 500;

const DEFAULTS: Required<Omit<StreamEmulatorWebhookConfig, 'url'>> = {
  timeoutMs: 6000,
  totalBudgetMs: 15000,
  retryDelayMs: 100,
  gzip: false,
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Signs and posts events to the configured URL, as Stream's webhook sender does; keeps a log of deliveries. */
export class WebhookSender implements StreamEmulatorWebhooks {
  private config: StreamEmulatorWebhookConfig = { ...DEFAULTS };
  readonly deliveries: StreamEmulatorWebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly apiKey: string,
    private readonly apiSecret: string,
    private readonly log: (line: string) => void,
    initial: StreamEmulatorWebhookConfig = {},
  ) {
    this.configure(initial);
  }

  configure(config: StreamEmulatorWebhookConfig): void {
    this.config = { ...this.config, ...config };
  }

  get settings(): StreamEmulatorWebhookConfig {
    return { ...this.config };
  }

  reset(initial: StreamEmulatorWebhookConfig = {}): void {
    this.config = { ...DEFAULTS, ...initial };
    this.deliveries.length = 0;
  }

  /** Fire-and-forget for the emulator's own events; does nothing without a URL, like an app without a webhook. */
  emit(event: Json): void {
    if (!this.config.url) return;
    const pending = this.send(event).catch((e: unknown) => this.log(`stream-emulator webhook: ${String(e)}`));
    this.inFlight.add(pending);
    void pending.finally(() => this.inFlight.delete(pending));
  }

  /** Resolves when every emitted event has been delivered or given up on. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  async send(event: Json): Promise<StreamEmulatorWebhookDelivery> {
    const { url, timeoutMs, totalBudgetMs, retryDelayMs, gzip } = { ...DEFAULTS, ...this.config };
    if (!url) throw new Error('no webhook URL is configured');
    const body = Buffer.from(JSON.stringify({ created_at: new Date().toISOString(), ...event }), 'utf8');
    // The signature covers the uncompressed JSON, also when the body travels gzipped.
    const signature = createHmac('sha256', this.apiSecret).update(body).digest('hex');
    const payload = gzip ? gzipSync(body) : body;
    const delivery: StreamEmulatorWebhookDelivery = {
      id: randomUUID(),
      type: typeof event.type === 'string' ? event.type : '',
      attempts: [],
      delivered: false,
    };
    this.deliveries.push(delivery);
    const deadline = Date.now() + totalBudgetMs;
    for (let attempt = 1; ; attempt += 1) {
      const budget = Math.min(timeoutMs, deadline - Date.now());
      const outcome = await this.attempt(
        url,
        payload,
        gzip,
        {
          'X-Webhook-Id': delivery.id,
          'X-Webhook-Attempt': String(attempt),
          'X-Api-Key': this.apiKey,
          'X-Signature': signature,
        },
        budget,
      );
      delivery.attempts.push(outcome);
      this.log(
        `stream-emulator webhook ${delivery.type} ${delivery.id} attempt ${attempt} -> ${outcome.status ?? outcome.error}`,
      );
      if (outcome.status !== undefined && !RETRYABLE_STATUS(outcome.status)) {
        delivery.delivered = outcome.status >= 200 && outcome.status < 300;
        return delivery;
      }
      const kind =
        outcome.status !== undefined ? 'status' : outcome.error === 'timeout' ? 'timeout' : 'network';
      if (attempt >= MAX_ATTEMPTS[kind] || Date.now() + retryDelayMs >= deadline) return delivery;
      await sleep(retryDelayMs);
    }
  }

  private async attempt(
    url: string,
    payload: Buffer,
    gzip: boolean,
    headers: Record<string, string>,
    budgetMs: number,
  ): Promise<StreamEmulatorWebhookDelivery['attempts'][number]> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          ...headers,
          'Content-Type': 'application/json',
          ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
        },
        body: payload,
        signal: AbortSignal.timeout(Math.max(1, budgetMs)),
      });
      await res.arrayBuffer();
      return { status: res.status };
    } catch (e) {
      // fetch rejects with the signal's DOMException, which is not an Error in every realm (jest's vm).
      const name = (e as { name?: unknown } | null)?.name;
      return { error: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network' };
    }
  }
}
