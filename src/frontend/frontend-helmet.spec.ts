import type { Request, Response } from 'express';
import { frontendHelmet, streamOrigins } from './frontend-helmet';

describe('streamOrigins', () => {
  it('names the REST origin and the WebSocket origin stream-chat derives from it', () => {
    expect(streamOrigins(undefined)).toEqual([]);
    expect(streamOrigins('http://127.0.0.1:3030/')).toEqual(['http://127.0.0.1:3030', 'ws://127.0.0.1:8800']);
    expect(streamOrigins('https://chat.example.com/api')).toEqual([
      'https://chat.example.com',
      'wss://chat.example.com',
    ]);
  });
});

describe('frontendHelmet', () => {
  const csp = (appUrl: string, secure: boolean): string => {
    const headers: Record<string, string> = {};
    const res = {
      setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value),
      removeHeader: () => undefined,
    } as unknown as Response;
    frontendHelmet({ streamBaseUrl: 'http://stream.local:4000', appUrl })(
      { secure } as Request,
      res,
      () => undefined,
    );
    return headers['content-security-policy'];
  };

  it('lets pages reach the configured Stream origins over http and ws', () => {
    expect(csp('http://staging.example.com', false)).toMatch(
      /connect-src 'self' https: wss: http:\/\/stream\.local:4000 ws:\/\/stream\.local:4000(;|$)/,
    );
  });

  it('upgrades insecure requests only when the app is served over https', () => {
    expect(csp('http://staging.example.com', false)).not.toContain('upgrade-insecure-requests');
    expect(csp('http://staging.example.com', true)).toContain('upgrade-insecure-requests');
    expect(csp('https://app.example.com', false)).toContain('upgrade-insecure-requests');
  });
});
