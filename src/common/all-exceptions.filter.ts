import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Response } from 'express';

export interface ErrorBody {
  statusCode: number;
  message: string | string[];
  error: string;
  [extra: string]: unknown;
}

/** body-parser's errors (bad JSON, body too large) carry a 4xx `status` and an `expose` flag. */
interface ClientError {
  status: number;
  expose: true;
  message: string;
  type?: string;
}
const isClientError = (e: unknown): e is ClientError =>
  typeof e === 'object' &&
  e !== null &&
  (e as ClientError).expose === true &&
  (e as ClientError).status < 500;

/**
 * Every error leaves as `{ statusCode, message, error }`. Anything unexpected is logged with its stack and
 * answered with a generic 500, so no stack trace, query or secret reaches a client.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (body.statusCode >= 500 && !(exception instanceof HttpException)) {
      const err = exception instanceof Error ? exception : new Error(String(exception));
      this.logger.error(`unhandled ${err.name}: ${err.message}`, err.stack);
    }
    if (!res.headersSent) res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      if (typeof response === 'string') {
        return { statusCode: status, message: response, error: STATUS_CODES[status] ?? 'Error' };
      }
      const { statusCode: _ignored, message, error, ...extra } = response as Partial<ErrorBody>;
      return {
        statusCode: status,
        message: message ?? exception.message,
        error: error ?? STATUS_CODES[status] ?? 'Error',
        ...extra,
      };
    }
    if (isClientError(exception)) {
      const message = exception.type === 'entity.parse.failed' ? 'Malformed JSON body' : exception.message;
      return { statusCode: exception.status, message, error: STATUS_CODES[exception.status] ?? 'Error' };
    }
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      message: 'Internal server error',
      error: 'Internal Server Error',
    };
  }
}
