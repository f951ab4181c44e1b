import { DiscoveryService } from '@nestjs/core';
import { HealthIndicatorResult } from '@nestjs/terminus';

/**
 * A dependency without which this instance must not receive traffic. Readiness runs every provider marked
 * `@ReadinessCheck('name')`, wherever it is registered: one more check is one more provider.
 */
export interface ReadinessIndicator {
  check(key: string): Promise<HealthIndicatorResult>;
}

/** Marks a provider implementing ReadinessIndicator; the argument names it in the probe's answer. */
export const ReadinessCheck = DiscoveryService.createDecorator<string>();
