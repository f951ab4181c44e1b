import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

export interface FieldError {
  field: string;
  message: string;
}

/** The rules that fail when a field is absent (or empty): its one message is then "x is required". */
const PRESENCE_RULES = ['isNotEmpty', 'isDefined'];
/** Rules on the kind of value: when one fails, the others (length, format) only repeat it. */
const TYPE_RULE = /^is(String|Int|Number|Boolean|Array|Object|Date|Enum|In|MongoId)$/;

interface FieldProblem extends FieldError {
  missing: boolean;
}

/** One problem per field, the most relevant of its failed rules: absent first, then the wrong kind, then the first. */
const fieldProblems = (errors: ValidationError[], prefix = ''): FieldProblem[] =>
  errors.flatMap((e) => {
    const field = `${prefix}${e.property}`;
    const constraints = e.constraints ?? {};
    const rules = Object.keys(constraints);
    const missing = rules.some((rule) => PRESENCE_RULES.includes(rule));
    const rule = rules.find((r) => TYPE_RULE.test(r)) ?? rules[0];
    const own: FieldProblem[] = missing
      ? [{ field, message: `${field} is required`, missing }]
      : rule
        ? [{ field, message: constraints[rule], missing }]
        : [];
    return [...own, ...fieldProblems(e.children ?? [], `${field}.`)];
  });

/**
 * One readable sentence for clients that show `message` as is (the seed's frontend does): every problem, the
 * missing fields first.
 */
const summary = (problems: FieldProblem[], missingFields: string[]): string =>
  [
    ...(missingFields.length > 0 ? [`Missing required fields: ${missingFields.join(', ')}`] : []),
    ...problems.filter((p) => !p.missing).map((p) => p.message),
  ].join('; ');

/**
 * The global pipe: unknown fields are refused (naming them) before any query runs. The 400 says what is wrong in
 * `message`, in `errors` once per field, and lists absent required fields in `missingFields`, as the seed's
 * clients expect.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (validationErrors) => {
      const problems = fieldProblems(validationErrors);
      const missingFields = problems.filter((p) => p.missing).map((p) => p.field);
      return new BadRequestException({
        statusCode: 400,
        message: summary(problems, missingFields),
        error: 'Bad Request',
        errors: problems.map(({ field, message }) => ({ field, message })),
        ...(missingFields.length > 0 ? { missingFields } : {}),
      });
    },
  });
}
