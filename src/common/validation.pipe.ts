import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

export interface FieldError {
  field: string;
  message: string;
}

const fieldErrors = (errors: ValidationError[], prefix = ''): FieldError[] =>
  errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((message) => ({ field: `${prefix}${e.property}`, message })),
    ...fieldErrors(e.children ?? [], `${prefix}${e.property}.`),
  ]);

/**
 * One readable sentence for clients that show `message` as is (the seed's frontend does): the missing fields
 * when some are, else every problem in turn.
 */
const summary = (errors: FieldError[], missingFields: string[]): string =>
  missingFields.length > 0
    ? `Missing required fields: ${missingFields.join(', ')}`
    : errors.map((e) => e.message).join('; ');

/**
 * The global pipe: unknown fields are refused (naming them) before any query runs. The 400 says what is wrong in
 * `message`, field by field in `errors`, and lists absent required fields in `missingFields`, as the seed's
 * clients expect.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (validationErrors) => {
      const errors = fieldErrors(validationErrors);
      const missingFields = validationErrors.filter((e) => e.constraints?.isNotEmpty).map((e) => e.property);
      return new BadRequestException({
        statusCode: 400,
        message: summary(errors, missingFields),
        error: 'Bad Request',
        errors,
        ...(missingFields.length > 0 ? { missingFields } : {}),
      });
    },
  });
}
