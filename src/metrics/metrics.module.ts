import { DynamicModule, Global, Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsController } from './metrics.controller';
import { METRIC_PROVIDERS } from './metrics';

/**
 * The service's Prometheus metrics, injectable everywhere (`@InjectMetric(name)`). Imported once at the root of
 * the CLI (its Stream calls count too, though nothing scrapes it) and, through `withEndpoint()`, of the API.
 */
@Global()
@Module({ providers: METRIC_PROVIDERS, exports: METRIC_PROVIDERS })
export class MetricsModule {
  /** The API: also GET /metrics (outside /api) with Node's default metrics, and the HTTP duration histogram. */
  static withEndpoint(): DynamicModule {
    return {
      module: MetricsModule,
      imports: [
        PrometheusModule.register({
          path: '/metrics',
          controller: MetricsController,
          defaultMetrics: { enabled: true },
        }),
      ],
      providers: [HttpMetricsMiddleware],
      exports: [HttpMetricsMiddleware],
    };
  }
}
