import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { staticHeaders } from '../common/static-headers';

/**
 * The origins a page reaches Stream at: the REST base URL and its WebSocket counterpart, derived as stream-chat
 * derives it (http→ws, https→wss, and port 3030 moved to 8800). None when Stream's default (https) is used.
 */
export function streamOrigins(baseUrl: string | undefined): string[] {
  if (!baseUrl) return [];
  const rest = new URL(baseUrl).origin;
  return [rest, rest.replace('http', 'ws').replace(':3030', ':8800')];
}

/**
 * Helmet for serving the frontend (FRONTEND_DIST): its pages call Stream (any https/wss host, plus the configured
 * Stream origins, plain http and ws included for a local stack) and show avatars from other hosts.
 * `upgrade-insecure-requests` only when the page is served over https (APP_URL is https, or a trusted proxy says
 * X-Forwarded-Proto: https): on a plain-http host it would make the browser load the scripts over https and fail.
 */
export function frontendHelmet(options: { streamBaseUrl?: string; appUrl: string }): RequestHandler {
  const policy = (upgrade: boolean) =>
    staticHeaders(
      helmet({
        contentSecurityPolicy: {
          directives: {
            connectSrc: ["'self'", 'https:', 'wss:', ...streamOrigins(options.streamBaseUrl)],
            imgSrc: ["'self'", 'data:', 'https:'],
            upgradeInsecureRequests: upgrade ? [] : null,
          },
        },
      }),
    );
  const https = policy(true);
  const plain = policy(false);
  const appHttps = /^https:/i.test(options.appUrl);
  return (req: Request, res: Response, next: NextFunction) =>
    (appHttps || req.secure ? https : plain)(req, res, next);
}
