import { inputError } from './errors';
import type { StreamEmulatorClock } from './types';

/** Real time plus an offset that tests move forward, so a ban of some minutes can expire without waiting. */
export class EmulatorClock implements StreamEmulatorClock {
  private offset = 0;

  get offsetMs(): number {
    return this.offset;
  }

  now(): number {
    return Date.now() + this.offset;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw inputError('advanceMs must be a non-negative number');
    this.offset += ms;
  }

  reset(): void {
    this.offset = 0;
  }
}
