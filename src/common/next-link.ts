import type { Request, Response } from 'express';
import type { Page } from './page-cursor';

/**
 * GitHub-style paging: the body stays a plain array and the next page is announced in
 * `Link: <...>; rel="next"`, relative to this request (RFC 8288), keeping its other query parameters.
 */
export function withNextLink<T>(req: Request, res: Response, page: Page<T>): T {
  // Browsers only let a cross-origin frontend read the headers listed here.
  res.setHeader('Access-Control-Expose-Headers', 'Link');
  if (page.next) {
    const url = new URL(req.originalUrl, 'http://placeholder');
    url.searchParams.set('cursor', page.next);
    res.setHeader('Link', `<${url.pathname}${url.search}>; rel="next"`);
  }
  return page.items;
}
