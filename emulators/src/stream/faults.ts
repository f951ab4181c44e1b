import type { StreamEmulatorFaults } from './types';

/**
 * The fault toggles: they apply to every API request before it is routed (so to every endpoint alike), and
 * `refuseConnections` also drops the open WebSockets.
 */
export class Faults implements StreamEmulatorFaults {
  failCount = 0;
  failStatus = 503;
  latencyMs = 0;
  refusing = false;
  rateLimitPerMinute = 0;
  taskDelayMs: number | undefined;

  constructor(
    private readonly onRefuse: () => void,
    private readonly defaultRateLimit: number,
  ) {
    this.rateLimitPerMinute = defaultRateLimit;
  }

  failNext(n: number, status = 503): void {
    this.failCount = Math.max(0, Math.floor(n));
    this.failStatus = status;
  }

  setLatency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }

  delayTasks(ms: number): void {
    this.taskDelayMs = Math.max(0, ms);
  }

  refuseConnections(on: boolean): void {
    this.refusing = on;
    if (on) this.onRefuse();
  }

  reset(): void {
    this.failCount = 0;
    this.failStatus = 503;
    this.latencyMs = 0;
    this.refusing = false;
    this.rateLimitPerMinute = this.defaultRateLimit;
    this.taskDelayMs = undefined;
  }

  snapshot(): Record<string, unknown> {
    return {
      failNext: this.failCount,
      status: this.failStatus,
      latencyMs: this.latencyMs,
      refuse: this.refusing,
      rateLimitPerMinute: this.rateLimitPerMinute,
      ...(this.taskDelayMs === undefined ? {} : { taskDelayMs: this.taskDelayMs }),
    };
  }
}
