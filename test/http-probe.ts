import { Agent, IncomingHttpHeaders, request } from 'node:http';

export interface ProbeReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The request went out on a connection an earlier request had opened (keep-alive). */
  reusedSocket: boolean;
}

export interface ProbeOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: object;
  /** false (the default): a new connection that closes after the reply; an Agent to keep connections alive. */
  agent?: Agent | false;
  /** The client address to connect from: any 127.x.y.z works on Linux, so one host plays many clients. */
  localAddress?: string;
}

/**
 * One request with node:http rather than fetch: the test chooses the connection (new, kept alive, from which
 * address) and sees a reset as the error it is, with no retry on top.
 */
export function probe(url: string, options: ProbeOptions = {}): Promise<ProbeReply> {
  const payload = options.body && JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        agent: options.agent ?? false,
        localAddress: options.localAddress,
        headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...options.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            reusedSocket: req.reusedSocket,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
