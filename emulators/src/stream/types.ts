export interface StreamEmulatorUser {
  id: string;
  name?: string;
  image?: string;
  created_at: string;
  updated_at: string;
  revoke_tokens_issued_before?: string;
  [k: string]: unknown;
}

export interface StreamEmulatorMessage {
  id: string;
  user_id: string;
  text: string;
  created_at: string;
}

export interface StreamEmulatorChannel {
  type: string;
  id: string;
  cid: string;
  created_by_id: string;
  members: string[];
  messages: StreamEmulatorMessage[];
  created_at: string;
}

export interface StreamEmulatorRequest {
  method: string;
  path: string;
  status: number;
  /** What a request did beyond its status, e.g. `channel.created` or `channel.existing` for a get-or-create. */
  outcome?: string;
}

export interface StreamEmulatorTask {
  id: string;
  createdAtMs: number;
  result: Record<string, { status: 'ok' }>;
}

export interface StreamEmulatorState {
  users: Map<string, StreamEmulatorUser>;
  deletedUserIds: Set<string>;
  channels: Map<string, StreamEmulatorChannel>;
  requests: StreamEmulatorRequest[];
}

export interface StreamEmulatorFaults {
  failNext(n: number, status?: number): void;
  setLatency(ms: number): void;
  refuseConnections(on: boolean): void;
  reset(): void;
}

export interface StreamEmulator {
  readonly baseUrl: string;
  readonly port: number;
  readonly apiKey: string;
  readonly apiSecret: string;
  /** Where `/connect` is served: `ws://` + the HTTP port, or the separate `wsPort` (8800 when HTTP is on 3030). */
  readonly wsBaseUrl: string;
  readonly state: StreamEmulatorState;
  readonly faults: StreamEmulatorFaults;
  /** Clears state and faults. */
  reset(): void;
  /** Closes the HTTP and WebSocket servers and every open socket. */
  close(): Promise<void>;
}

export interface StartStreamEmulatorOptions {
  port?: number;
  host?: string;
  wsPort?: number;
  apiKey?: string;
  apiSecret?: string;
  taskDelayMs?: number;
  logger?: (line: string) => void;
  /** Opt-in per-minute limit on user update/delete endpoints (429 with X-RateLimit-Reset); off by default. */
  rateLimitPerMinute?: number;
}
