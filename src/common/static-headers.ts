import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** A header to set, or (no value) to remove. */
type HeaderChange = [name: string, value?: number | string | readonly string[]];

/**
 * A middleware whose headers never depend on the request (helmet with fixed options) run once, at start-up, against
 * a recording response: each request then gets the recorded headers set, and removed, in one loop. Helmet itself
 * runs a dozen small middlewares per request to reach the same headers (issue 25: measured in docs/benchmarks.md).
 * A middleware that does not finish synchronously, or fails, stops the start.
 */
export function staticHeaders(middleware: RequestHandler): RequestHandler {
  const changes: HeaderChange[] = [];
  const recorder = {
    setHeader(name: string, value: number | string | readonly string[]) {
      changes.push([name, value]);
      return recorder;
    },
    removeHeader(name: string) {
      changes.push([name]);
    },
  };
  let finished = false;
  void middleware({} as Request, recorder as unknown as Response, (error?: unknown) => {
    if (error instanceof Error) throw error;
    if (error) throw new Error('staticHeaders: the middleware failed');
    finished = true;
  });
  if (!finished) throw new Error('staticHeaders: the middleware did not call next() at once');
  return (_req: Request, res: Response, next: NextFunction) => {
    for (const [name, value] of changes) {
      if (value === undefined) res.removeHeader(name);
      else res.setHeader(name, value);
    }
    next();
  };
}
