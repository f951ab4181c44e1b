import express, { RequestHandler } from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { staticHeaders } from './static-headers';

/** The headers an Express app answers with, behind `middleware` (Express's own X-Powered-By left on). */
const headersBehind = async (middleware: RequestHandler): Promise<Record<string, unknown>> => {
  const app = express();
  app.use(middleware);
  app.get('/', (_req, res) => res.json({ ok: true }));
  const { headers } = await request(app).get('/').expect(200);
  delete headers.date;
  return headers;
};

describe('staticHeaders', () => {
  it("answers with exactly helmet's headers, X-Powered-By removed included", async () => {
    const options = { contentSecurityPolicy: { directives: { imgSrc: ["'self'", 'https:'] } } };
    const expected = await headersBehind(helmet(options));
    expect(expected['x-powered-by']).toBeUndefined();
    expect(await headersBehind(staticHeaders(helmet(options)))).toEqual(expected);
  });

  it('refuses at start-up a middleware that does not finish at once', () => {
    expect(() => staticHeaders((_req, _res, next) => void setImmediate(next))).toThrow(/next\(\)/);
    expect(() => staticHeaders((_req, _res, next) => next(new Error('bad options')))).toThrow('bad options');
  });
});
