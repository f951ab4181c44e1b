import { getSchemaPath, type OpenAPIObject } from '@nestjs/swagger';
import { ErrorBody } from './all-exceptions.filter';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

/**
 * Documents the one error shape on every operation: each 4xx/5xx response an operation declares gets the
 * ErrorBody schema (extra fields such as the health check's `details` may follow), and every operation gains a `default` response with it (a 503 while MongoDB is unavailable,
 * a 429, a 400 for a malformed body can come from any route).
 */
export function withErrorSchema(document: OpenAPIObject): OpenAPIObject {
  const content = { 'application/json': { schema: { $ref: getSchemaPath(ErrorBody) } } };
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      for (const [code, response] of Object.entries(operation.responses)) {
        // Replaces a decorator's own error schema too (the health check's): the filter renders every error.
        if (response && Number(code) >= 400 && !('$ref' in response)) response.content = content;
      }
      operation.responses.default ??= { description: 'Error', content };
    }
  }
  return document;
}
