import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, INestApplication, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Server } from 'node:http';
import { appConfig } from '../config/configuration';
import { ReadinessCheck, ReadinessIndicator } from './readiness';

/**
 * SIGTERM (or SIGINT): readiness answers 503 at once; after SHUTDOWN_DRAIN_MS (time for load balancers to
 * notice) the server stops accepting connections, in-flight requests get SHUTDOWN_GRACE_MS to finish, then
 * the sync worker and MongoDB close and the process exits 0. Past the grace period it exits 1.
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
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => void this.shutDown(app, signal));
    }
  }

  private async shutDown(app: INestApplication, signal: string): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { shutdownDrainMs: drainMs, shutdownGraceMs: graceMs } = this.config;
    this.logger.log(`${signal}: not ready any more; closing the server in ${drainMs} ms`);
    await sleep(drainMs);
    const overdue = setTimeout(() => {
      this.logger.error(`requests still running ${graceMs} ms after ${signal} (SHUTDOWN_GRACE_MS): exiting`);
      process.exit(1);
    }, graceMs);
    // A kept-alive connection would hold the server open until the client drops it: close each as it idles.
    const server = app.getHttpServer() as Server;
    const idleCloser = setInterval(() => server.closeIdleConnections(), 100);
    try {
      await app.close();
    } catch (error) {
      this.logger.error(`shutdown failed: ${(error as Error).message}`);
      process.exit(1);
    }
    clearInterval(idleCloser);
    clearTimeout(overdue);
    this.logger.log('in-flight requests finished; exiting');
    process.exit(0);
  }
}
