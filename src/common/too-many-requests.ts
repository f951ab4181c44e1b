import { HttpException, HttpStatus } from '@nestjs/common';

/** "42 seconds", "3 minutes", "2 hours": a wait as a person reads it (rounded up, never "0 seconds"). */
export function waitInWords(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  const [n, unit] =
    s < 120 ? [s, 'second'] : s < 7200 ? [Math.ceil(s / 60), 'minute'] : [Math.ceil(s / 3600), 'hour'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/**
 * A 429 that knows its wait: the exception filter sends it as `Retry-After`, and the message says it in words,
 * so every limit answers the same way whoever raised it.
 */
export class TooManyRequestsException extends HttpException {
  readonly retryAfterSeconds: number;

  /**
   * `what` names the limit ("Too many sign-in attempts for this account"); the wait is appended, then `orElse`
   * when there is a way past the limit sooner ("or reset your password to sign in now").
   */
  constructor(what: string, retryAfterSeconds: number, orElse?: string) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        message: `${what}: try again in ${waitInWords(seconds)}${orElse ? `, ${orElse}` : ''}`,
        error: 'Too Many Requests',
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
    this.retryAfterSeconds = seconds;
  }
}
