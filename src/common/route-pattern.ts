import type { Request } from 'express';

/**
 * The pattern of the route that served a request (`/api/users/friend-request/:id`), undefined when none matched
 * (a 404): a bounded set of values for log fields and metric labels, unlike raw paths. A wildcard route is only
 * ever where middleware is mounted (`/api/{*splat}`), which Express leaves as `req.route` when no controller
 * route matched.
 */
export const routePattern = (req: Request): string | undefined => {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' && !path.includes('*') ? path : undefined;
};
