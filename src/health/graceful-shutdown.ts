import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, INestApplication, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Server, ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';
import { appConfig } from '../config/configuration';
import { ReadinessCheck, ReadinessIndicator } from './readiness';

/**
 * SIGTERM (or SIGINT): readiness answers 503 at once and every response from then on carries `Connection: close`;
 * the server keeps accepting for SHUTDOWN_DRAIN_MS (load balancers notice; connections the kernel already holds
 * are taken in), then stops listening. Requests already sent on open connections are read and answered; idle
 * connections end at their keep-alive timeout. Everything gets SHUTDOWN_GRACE_MS, then the sync worker and
 * MongoDB close and the process exits 0. Past the grace period it exits 1.
 */
@Injectable()
@ReadinessCheck('shutdown')
export class GracefulShutdown implements ReadinessIndicator {
  private readonly logger = new Logger('Shutdown');
  private started = false;

  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
  ) {}

  check(key: string) {
    const session = this.indicators.check(key);
    return Promise.resolve(this.started ? session.down({ message: 'shutting down' }) : session.up());
  }

  /** main.ts only: the e2e harness closes its apps itself. */
  handleSignals(app: INestApplication): void {
    // Ahead of Express: each connection ends after its next response once the shutdown has begun.
    (app.getHttpServer() as Server).prependListener('request', (_req, res: ServerResponse) => {
      if (this.started) res.setHeader('Connection', 'close');
    });
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => void this.shutDown(app, signal));
    }
  }

  private async shutDown(app: INestApplication, signal: string): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { shutdownDrainMs: drainMs, shutdownGraceMs: graceMs } = this.config;
    this.logger.log(`${signal}: not ready any more; closing the listener in ${drainMs} ms`);
    await sleep(drainMs);
    const overdue = setTimeout(() => {
      this.logger.error(`requests still running ${graceMs} ms after ${signal} (SHUTDOWN_GRACE_MS): exiting`);
      process.exit(1);
    }, graceMs);
    try {
      // net's close, not http's: http's also drops idle kept-alive connections at once, resetting a request a
      // client is sending on one right now. This one resolves once every connection has ended.
      await new Promise((resolve) => NetServer.prototype.close.call(app.getHttpServer(), resolve));
      await app.close();
    } catch (error) {
      this.logger.error(`shutdown failed: ${(error as Error).message}`);
      process.exit(1);
    }
    clearTimeout(overdue);
    this.logger.log('in-flight requests finished; exiting');
    process.exit(0);
  }
}
