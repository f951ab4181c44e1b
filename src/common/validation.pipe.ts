import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

const messages = (errors: ValidationError[], prefix = ''): string[] =>
  errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => (prefix ? `${prefix}${m}` : m)),
    ...messages(e.children ?? [], `${prefix}${e.property}.`),
  ]);

/**
 * The global pipe: unknown fields are refused (naming them) before any query runs, and a request that lacks
 * required fields also lists them in `missingFields`, as the seed's clients expect.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const missingFields = errors.filter((e) => e.constraints?.isNotEmpty).map((e) => e.property);
      return new BadRequestException({
        statusCode: 400,
        message: messages(errors),
        error: 'Bad Request',
        ...(missingFields.length > 0 ? { missingFields } : {}),
      });
    },
  });
}
