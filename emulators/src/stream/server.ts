import { randomBytes, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { EmulatorClock } from './clock';
import { Connections } from './connections';
import { errorBody, formatDuration, inputError, notAllowed, StreamApiError, doesNotExist } from './errors';
import { userEventRoutes } from './events';
import { Faults } from './faults';
import { Moderation } from './moderation';
import { isObject, parseJsonObject, payloadParam, type Json } from './request';
import { OUTCOME, USER_IDS, type Context, type Route } from './route';
import { StreamStore } from './store';
import { checkRevocation, verifyToken, type Caller } from './tokens';
import type {
  StartStreamEmulatorOptions,
  StreamEmulator,
  StreamEmulatorChannel,
  StreamEmulatorWebhookConfig,
} from './types';
import { WebhookSender } from './webhooks';

/** Stream answers browsers too; a front end in dev may point its SDK at the emulator. */
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  'Access-Control-Allow-Headers':
    'Authorization, Content-Type, stream-auth-type, X-Stream-Client, x-client-request-id, Cache-Control',
  'Access-Control-Expose-Headers': 'X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset',
  'Access-Control-Max-Age': '86400',
};
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const SDK_WS_PORT_FOR_3030 = 8800;
const EXPORT_PATH = /^\/_emulator\/exports\/([0-9a-f]+)\/users\.json$/;

// unref: injected latency must not keep a test process alive after close().
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) reject(new StreamApiError(413, 22, 'request body is too large'));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/** The admin body of POST /_emulator/webhook: only the known keys, with their types checked. */
function webhookConfig(body: Json): StreamEmulatorWebhookConfig {
  const config: StreamEmulatorWebhookConfig = {};
  if (typeof body.url === 'string' || body.url === null) config.url = body.url ?? undefined;
  for (const key of ['timeoutMs', 'totalBudgetMs', 'retryDelayMs'] as const) {
    const value = body[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || value < 0) throw inputError(`${key} must be a non-negative number`);
    config[key] = value;
  }
  if (body.gzip !== undefined) {
    if (typeof body.gzip !== 'boolean') throw inputError('gzip must be a boolean');
    config.gzip = body.gzip;
  }
  return config;
}

function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...CORS_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

export async function startStreamEmulator(opts: StartStreamEmulatorOptions = {}): Promise<StreamEmulator> {
  const host = opts.host ?? '127.0.0.1';
  const apiKey = opts.apiKey ?? `emu${randomBytes(6).toString('hex')}`;
  const apiSecret = opts.apiSecret ?? randomBytes(32).toString('hex');
  const taskDelayMs = opts.taskDelayMs ?? 50;
  const log = opts.logger ?? ((): void => undefined);

  const connections = new Connections();
  const webhooks = new WebhookSender(apiKey, apiSecret, log, opts.webhook);
  // Known once the server listens; export URLs are only built after that.
  let baseUrl = '';
  const store = new StreamStore({
    taskDelayMs: () => faults.taskDelayMs ?? taskDelayMs,
    isOnline: (userId) => connections.isOnline(userId),
    emit: (event) => webhooks.emit(event),
    banFields: (userId): Json => moderation.userFields(userId),
    exportUrl: (token) => `${baseUrl}/_emulator/exports/${token}/users.json`,
    exportUrlTtlMs: opts.exportUrlTtlMs ?? 60 * 60 * 1000,
  });
  const state = store.state;
  const clock = new EmulatorClock();
  const moderation: Moderation = new Moderation(store, clock, (event) => webhooks.emit(event));
  const wss = new WebSocketServer({ noServer: true });
  const dropWebSockets = (): void => {
    for (const client of wss.clients) client.terminate();
  };
  const faults = new Faults(dropWebSockets, opts.rateLimitPerMinute ?? 0);
  const rateWindows = new Map<string, { start: number; count: number }>();

  const serverOnly = (ctx: Context, endpoint: string): void => {
    if (ctx.caller.kind !== 'server') {
      throw notAllowed(
        `User '${ctx.caller.userId}' with role '${store.roleOf(ctx.caller.userId)}' is not allowed to perform action ${endpoint}`,
      );
    }
  };

  /**
   * Sends an event to every connection watching the channel. A blocker gets no events from the user they blocked
   * in a 1-on-1 channel (see store.ts, Blocks).
   */
  const broadcast = (channel: StreamEmulatorChannel, event: Json, authorId: string): void => {
    const watching = store.watchers.get(channel.cid);
    if (!watching) return;
    const text = JSON.stringify({ ...event, watcher_count: watching.size });
    for (const connectionId of watching) {
      const conn = connections.get(connectionId);
      if (!conn || (conn.userId !== authorId && store.blockedFor(channel, conn.userId))) continue;
      connections.send(conn, text);
    }
  };

  const broadcastMessage = (channel: StreamEmulatorChannel, message: Json, authorId: string): void => {
    broadcast(
      channel,
      {
        type: 'message.new',
        cid: channel.cid,
        channel_id: channel.id,
        channel_type: channel.type,
        message,
        user: message.user,
        created_at: new Date().toISOString(),
      },
      authorId,
    );
  };

  const routes: Route[] = [
    {
      method: 'GET',
      pattern: /^\/app$/,
      endpoint: 'GetApp',
      handle: () => ({
        app: {
          name: 'stream-emulator',
          organization: 'offline-emulators',
          disable_auth_checks: false,
          disable_permissions_checks: false,
          multi_tenant_enabled: false,
          revoke_tokens_issued_before: null,
          channel_configs: {},
        },
      }),
    },
    {
      method: 'POST',
      pattern: /^\/users$/,
      endpoint: 'UpdateUsers',
      serverOnly: true,
      rateLimited: true,
      handle: (ctx) => {
        const result = store.upsertUsers(ctx.body);
        return { ...result, [USER_IDS]: Object.keys(result.users as Json) };
      },
    },
    {
      method: 'PATCH',
      pattern: /^\/users$/,
      endpoint: 'UpdateUsersPartial',
      serverOnly: true,
      rateLimited: true,
      handle: (ctx) => store.partialUpdateUsers(ctx.body),
    },
    {
      method: 'GET',
      pattern: /^\/users$/,
      endpoint: 'QueryUsers',
      handle: (ctx) => store.queryUsers(payloadParam(ctx.query)),
    },
    {
      method: 'POST',
      pattern: /^\/users\/delete$/,
      endpoint: 'DeleteUsers',
      serverOnly: true,
      rateLimited: true,
      handle: (ctx) => {
        const response = store.deleteUsers(ctx.body);
        connections.closeUsers(state.deletedUserIds, 'user deleted');
        return response;
      },
    },
    {
      method: 'GET',
      pattern: /^\/tasks\/([^/]+)$/,
      endpoint: 'GetTask',
      serverOnly: true,
      handle: (ctx) => store.getTask(ctx.params[0]),
    },
    {
      method: 'POST',
      pattern: /^\/channels$/,
      endpoint: 'QueryChannels',
      handle: (ctx) => store.queryChannels(ctx.body, ctx.caller, connectionFor(ctx)),
    },
    {
      method: 'POST',
      pattern: /^\/channels\/([^/]+)\/([^/]+)\/query$/,
      endpoint: 'GetOrCreateChannel',
      handle: (ctx) => {
        const { response, created } = store.getOrCreateChannel(
          ctx.params[0],
          ctx.params[1],
          ctx.body,
          ctx.caller,
          connectionFor(ctx),
        );
        return { ...response, [OUTCOME]: created ? 'channel.created' : 'channel.existing' };
      },
    },
    {
      method: 'POST',
      pattern: /^\/channels\/([^/]+)\/([^/]+)\/message$/,
      endpoint: 'SendMessage',
      handle: (ctx) => {
        if (ctx.caller.kind === 'user') moderation.assertMaySend(ctx.caller.userId);
        const { channel, message, authorId } = store.sendMessage(
          ctx.params[0],
          ctx.params[1],
          ctx.body,
          ctx.caller,
        );
        broadcastMessage(channel, message, authorId);
        return { message };
      },
    },
    {
      method: 'POST',
      pattern: /^\/users\/block$/,
      endpoint: 'BlockUsers',
      handle: (ctx) => store.blockUser(ctx.body, ctx.caller),
    },
    {
      method: 'POST',
      pattern: /^\/users\/unblock$/,
      endpoint: 'UnblockUsers',
      handle: (ctx) => store.unblockUser(ctx.body, ctx.caller),
    },
    {
      method: 'GET',
      pattern: /^\/users\/block$/,
      endpoint: 'GetBlockedUsers',
      handle: (ctx) => store.blockedUsers(ctx.query, ctx.caller),
    },
    {
      method: 'POST',
      pattern: /^\/export\/users$/,
      endpoint: 'ExportUsers',
      serverOnly: true,
      handle: (ctx) => store.exportUsers(ctx.body),
    },
    {
      method: 'POST',
      pattern: /^\/channels\/([^/]+)\/([^/]+)\/read$/,
      endpoint: 'MarkRead',
      handle: (ctx) => {
        const { channel, event, userId } = store.markRead(ctx.params[0], ctx.params[1], ctx.body, ctx.caller);
        broadcast(channel, event, userId);
        return { event };
      },
    },
    {
      method: 'POST',
      pattern: /^\/channels\/([^/]+)\/([^/]+)\/event$/,
      endpoint: 'SendEvent',
      handle: (ctx) => {
        const { channel, event, userId } = store.sendEvent(
          ctx.params[0],
          ctx.params[1],
          ctx.body,
          ctx.caller,
        );
        broadcast(channel, event, userId);
        return { event };
      },
    },
    ...moderation.routes(),
    ...userEventRoutes(store, connections, (event) => webhooks.emit(event)),
  ];

  /** The connection a user request names, when `watch` needs one; unknown ids fail as Stream does (code 46). */
  function connectionFor(ctx: Context): string | undefined {
    const id = ctx.query.get('connection_id');
    if (!id || ctx.body.watch !== true) return undefined;
    const conn = connections.get(id);
    if (!conn || ctx.caller.kind !== 'user' || conn.userId !== ctx.caller.userId) {
      throw new StreamApiError(400, 46, `connection_id "${id}" was not found`);
    }
    return id;
  }

  function authenticate(req: http.IncomingMessage, query: URLSearchParams): Caller {
    if (query.get('api_key') !== apiKey) throw new StreamApiError(401, 2, 'api_key not found');
    const authType = req.headers['stream-auth-type'];
    if (authType === 'anonymous') {
      throw notAllowed('anonymous users are not supported by the Stream emulator');
    }
    const header = req.headers.authorization;
    const caller = verifyToken(header, apiKey, apiSecret);
    if (caller.kind === 'user') {
      const user = state.users.get(caller.userId);
      if (!user) throw doesNotExist(`user "${caller.userId}" does not exist`);
      checkRevocation(caller, user);
    }
    return caller;
  }

  function checkRateLimit(route: Route): Record<string, string> {
    const limit = faults.rateLimitPerMinute;
    if (!route.rateLimited || limit <= 0) return {};
    const now = Date.now();
    let window = rateWindows.get(route.endpoint);
    if (!window || now - window.start >= 60_000) {
      window = { start: now, count: 0 };
      rateWindows.set(route.endpoint, window);
    }
    window.count += 1;
    const headers = {
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': String(Math.max(0, limit - window.count)),
      'X-RateLimit-Reset': String(Math.ceil((window.start + 60_000) / 1000)),
    };
    if (window.count > limit) {
      throw new StreamApiError(
        429,
        9,
        'Too many requests, check response headers for more information.',
        headers,
      );
    }
    return headers;
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const route = routes.find((r) => r.method === method && r.pattern.test(url.pathname));
    const endpoint = route?.endpoint ?? 'Unknown';
    let status = 200;
    let outcome: string | undefined;
    let userIds: string[] | undefined;
    let headers: Record<string, string> = {};
    let body: Json;
    try {
      const text = await readBody(req);
      if (faults.latencyMs > 0) await sleep(faults.latencyMs);
      if (faults.failCount > 0) {
        faults.failCount -= 1;
        throw new StreamApiError(faults.failStatus, -1, `injected fault: HTTP ${faults.failStatus}`);
      }
      const caller = authenticate(req, url.searchParams);
      if (!route) {
        throw new StreamApiError(
          501,
          4,
          `${method} ${url.pathname} is not implemented by the Stream emulator (see emulators/src/stream/server.ts)`,
        );
      }
      const params = (route.pattern.exec(url.pathname) ?? []).slice(1).map((p) => decodeURIComponent(p));
      const ctx: Context = {
        caller,
        params,
        query: url.searchParams,
        body: parseJsonObject(text, 'request body'),
      };
      if (route.serverOnly) serverOnly(ctx, route.endpoint);
      headers = checkRateLimit(route);
      const result = route.handle(ctx);
      if (typeof result[OUTCOME] === 'string') outcome = result[OUTCOME];
      delete result[OUTCOME];
      if (Array.isArray(result[USER_IDS])) userIds = result[USER_IDS] as string[];
      delete result[USER_IDS];
      body = { ...result, duration: formatDuration(performance.now() - started) };
    } catch (e) {
      const err =
        e instanceof StreamApiError
          ? e
          : new StreamApiError(500, -1, e instanceof Error ? e.message : String(e));
      status = err.status;
      headers = { ...headers, ...err.headers };
      body = errorBody(err, endpoint, performance.now() - started) as unknown as Json;
      if (status >= 500 && !(e instanceof StreamApiError))
        log(`stream-emulator: unexpected error ${String(e)}`);
    }
    state.requests.push({
      method,
      path: url.pathname,
      status,
      ...(outcome ? { outcome } : {}),
      ...(userIds ? { userIds } : {}),
    });
    log(`stream-emulator ${method} ${url.pathname} -> ${status}${outcome ? ` (${outcome})` : ''}`);
    sendJson(res, status, body, headers);
  }

  function snapshot(): Json {
    return {
      apiKey,
      users: [...state.users.values()],
      deletedUserIds: [...state.deletedUserIds],
      channels: [...state.channels.values()],
      blocks: [...state.blocks.values()].flatMap((mine) => [...mine.values()]),
      flags: state.flags,
      bans: [...state.bans.values()],
      webhooks: { ...webhooks.settings, deliveries: webhooks.deliveries },
      requests: state.requests,
      connections: connections.list(),
      faults: faults.snapshot(),
      clock: { offsetMs: clock.offsetMs, now: new Date(clock.now()).toISOString() },
    };
  }

  async function handleAdmin(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    try {
      if (req.method === 'GET' && url.pathname === '/_emulator/state') return sendJson(res, 200, snapshot());
      if (req.method === 'POST' && url.pathname === '/_emulator/reset') {
        await readBody(req);
        reset();
        return sendJson(res, 200, snapshot());
      }
      if (req.method === 'POST' && url.pathname === '/_emulator/faults') {
        const body = parseJsonObject(await readBody(req), 'request body');
        if (typeof body.failNext === 'number') {
          faults.failNext(body.failNext, typeof body.status === 'number' ? body.status : undefined);
        }
        if (typeof body.latencyMs === 'number') faults.setLatency(body.latencyMs);
        if (typeof body.refuse === 'boolean') faults.refuseConnections(body.refuse);
        if (typeof body.rateLimitPerMinute === 'number') faults.rateLimitPerMinute = body.rateLimitPerMinute;
        if (typeof body.taskDelayMs === 'number') faults.delayTasks(body.taskDelayMs);
        return sendJson(res, 200, faults.snapshot());
      }
      if (req.method === 'POST' && url.pathname === '/_emulator/clock') {
        const { advanceMs } = parseJsonObject(await readBody(req), 'request body');
        clock.advance(typeof advanceMs === 'number' ? advanceMs : NaN);
        return sendJson(res, 200, snapshot().clock);
      }
      if (req.method === 'POST' && url.pathname === '/_emulator/webhook') {
        webhooks.configure(webhookConfig(parseJsonObject(await readBody(req), 'request body')));
        return sendJson(res, 200, webhooks.settings);
      }
      if (req.method === 'POST' && url.pathname === '/_emulator/webhook/events') {
        const event = parseJsonObject(await readBody(req), 'request body');
        if (typeof event.type !== 'string') throw inputError('type is a required field');
        if (!webhooks.settings.url) throw inputError('no webhook URL is configured');
        return sendJson(res, 200, await webhooks.send(event));
      }
      const exported = EXPORT_PATH.exec(url.pathname);
      if (req.method === 'GET' && exported) return sendJson(res, 200, store.exportFile(exported[1]));
      throw doesNotExist(`${req.method} ${url.pathname} is not an emulator admin endpoint`);
    } catch (e) {
      const err = e instanceof StreamApiError ? e : new StreamApiError(500, -1, String(e));
      sendJson(res, err.status, errorBody(err, 'Emulator', 0));
    }
  }

  function onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const admin = url.pathname.startsWith('/_emulator/');
    if (req.method === 'OPTIONS' && !faults.refusing) {
      res.writeHead(204, CORS_HEADERS);
      res.end();
      return;
    }
    // Admin paths stay reachable so an out-of-process emulator can be switched back on.
    if (faults.refusing && !admin) {
      req.socket.destroy();
      return;
    }
    void (admin ? handleAdmin(req, res, url) : handleApi(req, res, url));
  }

  function onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (faults.refusing || url.pathname !== '/connect') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onWebSocket(ws, url.searchParams));
  }

  function ownUser(userId: string): Json {
    return {
      ...store.userResponse(userId),
      online: true,
      channel_mutes: [],
      mutes: [],
      blocked_user_ids: store.blockedUserIds(userId),
      devices: [],
      unread_count: 0,
      total_unread_count: 0,
      unread_channels: 0,
      unread_threads: 0,
      invisible: false,
    };
  }

  /** Auth failures arrive as a first `{ error }` message on an opened socket, then a close (as Stream does). */
  function onWebSocket(ws: WebSocket, query: URLSearchParams): void {
    const started = performance.now();
    let userId: string;
    try {
      if (query.get('api_key') !== apiKey) throw new StreamApiError(401, 2, 'api_key not found');
      if (query.get('stream-auth-type') === 'anonymous') {
        throw notAllowed('anonymous users are not supported by the Stream emulator');
      }
      const payload = parseJsonObject(query.get('json') ?? '', 'json query parameter');
      if (typeof payload.user_id !== 'string' || payload.user_id === '') {
        throw inputError('json.user_id is a required field');
      }
      userId = payload.user_id;
      const caller = verifyToken(query.get('authorization') ?? undefined, apiKey, apiSecret);
      if (caller.kind !== 'user')
        throw new StreamApiError(401, 5, 'JWTAuth error: server tokens cannot connect users');
      if (caller.userId !== userId) {
        throw new StreamApiError(
          401,
          5,
          `JWTAuth error: token is for user "${caller.userId}" but the connection is for user "${userId}"`,
        );
      }
      checkRevocation(caller, state.users.get(userId));
      const details = isObject(payload.user_details) ? payload.user_details : {};
      store.ensureUserOnConnect(userId, details);
    } catch (e) {
      const err = e instanceof StreamApiError ? e : new StreamApiError(500, -1, String(e));
      state.requests.push({ method: 'GET', path: '/connect', status: err.status });
      log(`stream-emulator WS /connect -> ${err.status} code ${err.code}`);
      ws.send(JSON.stringify({ error: errorBody(err, undefined, performance.now() - started) }));
      ws.close(1000, err.detail.slice(0, 120));
      return;
    }
    const connectionId = randomUUID();
    connections.add(connectionId, ws, userId);
    state.requests.push({ method: 'GET', path: '/connect', status: 101 });
    log(`stream-emulator WS /connect user ${userId} -> connection ${connectionId}`);
    const healthCheck = (): Json => ({
      type: 'health.check',
      connection_id: connectionId,
      cid: '*',
      created_at: new Date().toISOString(),
    });
    ws.send(JSON.stringify({ ...healthCheck(), me: ownUser(userId) }));
    ws.on('message', (data: Buffer) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString('utf8'));
      } catch {
        return;
      }
      const events: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
      if (events.some((ev) => isObject(ev) && ev.type === 'health.check'))
        ws.send(JSON.stringify(healthCheck()));
    });
    ws.on('close', () => {
      connections.remove(connectionId);
      store.unwatchConnection(connectionId);
    });
  }

  const server = http.createServer(onRequest);
  server.on('upgrade', onUpgrade);
  const port = await listen(server, opts.port ?? 0, host);

  let wsServer: http.Server | undefined;
  let boundWsPort = port;
  const wsPort = opts.wsPort ?? (port === 3030 ? SDK_WS_PORT_FOR_3030 : undefined);
  if (wsPort !== undefined && wsPort !== port) {
    // The SDK rewrites :3030 to :8800 for its WebSocket URL; serve the socket (only) there too.
    wsServer = http.createServer((_req, res) =>
      sendJson(res, 404, errorBody(doesNotExist('only /connect is served on this port'), 'Emulator', 0)),
    );
    wsServer.on('upgrade', onUpgrade);
    try {
      boundWsPort = await listen(wsServer, wsPort, host);
    } catch (e) {
      await closeServer(server);
      throw e;
    }
  }

  function reset(): void {
    store.reset();
    moderation.reset();
    clock.reset();
    faults.reset();
    webhooks.reset(opts.webhook);
    rateWindows.clear();
    dropWebSockets();
  }

  const publicHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  baseUrl = `http://${publicHost}:${port}`;
  return {
    baseUrl,
    wsBaseUrl: `ws://${publicHost}:${boundWsPort}`,
    port,
    apiKey,
    apiSecret,
    state,
    faults,
    clock,
    webhooks,
    reset,
    async close(): Promise<void> {
      dropWebSockets();
      wss.close();
      await Promise.all([closeServer(server), wsServer ? closeServer(wsServer) : Promise.resolve()]);
    },
  };
}
