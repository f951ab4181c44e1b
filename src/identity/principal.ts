/** The claims of a session JWT. */
export interface JwtPayload {
  userId: string;
  /** The session this token belongs to (`sessions` collection). */
  sid: string;
}

/** Who a request runs as: what `@CurrentUser()` returns behind the JWT guard. */
export interface Principal {
  /** The user's id. */
  id: string;
  sessionId: string;
  /** Seconds since the epoch: when the session (and its JWT) ends. */
  sessionExpiresAt: number;
}
