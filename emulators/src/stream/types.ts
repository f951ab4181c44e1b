export interface StreamEmulatorUser {
  id: string;
  name?: string;
  image?: string;
  /** The global role; absent means Stream's default, `user`. */
  role?: string;
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
  /** Per member: when they last marked the channel read, and up to which message. */
  reads: Record<string, { last_read: string; last_read_message_id?: string }>;
}

export interface StreamEmulatorRequest {
  method: string;
  path: string;
  status: number;
  /** What a request did beyond its status, e.g. `channel.created` or `channel.existing` for a get-or-create. */
  outcome?: string;
  /** The users a successful upsert (POST /users) wrote, so tests can count the pushes each user got. */
  userIds?: string[];
}

export interface StreamEmulatorTask {
  id: string;
  createdAtMs: number;
  result: Record<string, unknown>;
}

/** One user-to-user block (Stream's user-block API): `user_id` blocked `blocked_user_id`. */
export interface StreamEmulatorBlock {
  user_id: string;
  blocked_user_id: string;
  created_at: string;
}

/** A moderation flag on a user or a message (POST /moderation/flag). */
export interface StreamEmulatorFlag {
  user_id: string;
  target_user_id?: string;
  target_message_id?: string;
  reason?: string;
  created_at: string;
}

/** A global ban (POST /moderation/ban); `expires` is set for a timed ban, which stays listed once expired. */
export interface StreamEmulatorBan {
  user_id: string;
  banned_by_id: string;
  reason?: string;
  /** Minutes, as given. */
  timeout?: number;
  created_at: string;
  expires?: string;
}

export interface StreamEmulatorWebhookConfig {
  /** Where events are posted; without one no event is sent (an app with no webhook configured). */
  url?: string;
  /** Per attempt; Stream's is 6 s. */
  timeoutMs?: number;
  /** All attempts of one event; Stream's is 15 s. */
  totalBudgetMs?: number;
  /** Pause between attempts. */
  retryDelayMs?: number;
  /** Send the body gzipped with `Content-Encoding: gzip` (the signature still covers the uncompressed JSON). */
  gzip?: boolean;
}

export interface StreamEmulatorWebhookDelivery {
  /** The X-Webhook-Id, the same on every attempt. */
  id: string;
  type: string;
  attempts: { status?: number; error?: 'timeout' | 'network' }[];
  delivered: boolean;
}

export interface StreamEmulatorWebhooks {
  readonly deliveries: StreamEmulatorWebhookDelivery[];
  readonly settings: StreamEmulatorWebhookConfig;
  configure(config: StreamEmulatorWebhookConfig): void;
  /** Signs and posts one event (its `type` and fields), retrying as Stream does; resolves with the outcome. */
  send(event: Record<string, unknown>): Promise<StreamEmulatorWebhookDelivery>;
  /** Resolves when the events the emulator emitted on its own (deletions, flags) are delivered or given up. */
  settle(): Promise<void>;
}

export interface StreamEmulatorState {
  users: Map<string, StreamEmulatorUser>;
  deletedUserIds: Set<string>;
  channels: Map<string, StreamEmulatorChannel>;
  /** blocker id → blocked id → block. */
  blocks: Map<string, Map<string, StreamEmulatorBlock>>;
  flags: StreamEmulatorFlag[];
  /** Target user id → their global ban. */
  bans: Map<string, StreamEmulatorBan>;
  requests: StreamEmulatorRequest[];
}

export interface StreamEmulatorFaults {
  failNext(n: number, status?: number): void;
  setLatency(ms: number): void;
  refuseConnections(on: boolean): void;
  /** Asynchronous tasks (deletes, exports) take this long from now on, until reset. */
  delayTasks(ms: number): void;
  reset(): void;
}

/** The emulator's time for ban expiry: real time plus every `advance` since the last reset. */
export interface StreamEmulatorClock {
  now(): number;
  /** Moves the clock forward, so a ban of N minutes can expire in a test; tokens and tasks keep real time. */
  advance(ms: number): void;
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
  readonly clock: StreamEmulatorClock;
  readonly webhooks: StreamEmulatorWebhooks;
  /** Clears state, faults, the clock's advance and the webhook log (the webhook configuration returns to the start options). */
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
  webhook?: StreamEmulatorWebhookConfig;
  /** How long an export download URL stays valid (Stream's are signed, expiring links). */
  exportUrlTtlMs?: number;
}
