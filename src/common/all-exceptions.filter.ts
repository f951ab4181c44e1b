import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import type { Response } from 'express';
import { isMongoUnavailable } from './mongo-unavailable';
import { TooManyRequestsException } from './too-many-requests';

class FieldErrorSchema {
  @ApiProperty({ example: 'email' }) field!: string;
  @ApiProperty({ example: 'email must be a valid email address' }) message!: string;
}

/** The one error shape every failure leaves with (documented on every operation in the OpenAPI document). */
export class ErrorBody {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ description: 'One readable sentence, fit to show to a user as is' }) message!: string;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiPropertyOptional({
    type: [FieldErrorSchema],
    description: 'Validation failures, one per field and rule',
  })
  errors?: FieldErrorSchema[];
  @ApiPropertyOptional({ type: [String], description: 'Required fields that were absent' })
  missingFields?: string[];
}

/** What a client should wait before retrying while MongoDB is unavailable, in seconds. */
const DB_RETRY_AFTER_SECONDS = 1;

const text = (message: unknown, fallback: string): string =>
  typeof message === 'string' ? message : Array.isArray(message) ? message.join('; ') : fallback;

/**
 * Every error leaves as `{ statusCode, message, error }` with `message` one string. MongoDB being unreachable is a
 * 503 with Retry-After, as is every 429 that knows its wait; anything else unexpected is logged with its stack and answered with a generic 500, so no
 * stack trace, query or secret reaches a client.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (body.statusCode === 503 && !(exception instanceof HttpException)) {
      this.logger.warn(`MongoDB unavailable: ${(exception as Error).name}: ${(exception as Error).message}`);
      res.setHeader('Retry-After', DB_RETRY_AFTER_SECONDS);
    } else if (exception instanceof TooManyRequestsException) {
      res.setHeader('Retry-After', exception.retryAfterSeconds);
    } else if (body.statusCode >= 500 && !(exception instanceof HttpException)) {
      const err = exception instanceof Error ? exception : new Error(String(exception));
      this.logger.error(`unhandled ${err.name}: ${err.message}`, err.stack);
    }
    if (!res.headersSent) res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const error = STATUS_CODES[status] ?? 'Error';
      if (typeof response === 'string') return { statusCode: status, message: response, error };
      // Other fields stay (missingFields, errors, the health check's details); `error` is always the status text.
      const { statusCode: _status, message, error: _error, ...extra } = response as Record<string, unknown>;
      return { ...extra, statusCode: status, message: text(message, error), error };
    }
    if (isMongoUnavailable(exception)) {
      return {
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        message: 'The service is temporarily unavailable, please try again shortly',
        error: 'Service Unavailable',
      };
    }
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      message: 'Internal server error',
      error: 'Internal Server Error',
    };
  }
}
