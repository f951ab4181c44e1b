import { WebSocket } from 'ws';
import type { Json } from './request';

export interface Connection {
  ws: WebSocket;
  userId: string;
}

/** The open `/connect` sockets by connection id; one user may hold several (tabs, devices). */
export class Connections {
  private readonly byId = new Map<string, Connection>();

  add(id: string, ws: WebSocket, userId: string): void {
    this.byId.set(id, { ws, userId });
  }

  remove(id: string): void {
    this.byId.delete(id);
  }

  get(id: string): Connection | undefined {
    return this.byId.get(id);
  }

  isOnline(userId: string): boolean {
    return [...this.byId.values()].some((c) => c.userId === userId);
  }

  /** Sends already serialized event text if the socket is still open (a closing one just misses it). */
  send(conn: Connection, text: string): void {
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(text);
  }

  /** Sends the event to every open socket of the user and answers how many there were. */
  sendToUser(userId: string, event: Json): number {
    const text = JSON.stringify(event);
    const mine = [...this.byId.values()].filter((c) => c.userId === userId);
    for (const conn of mine) this.send(conn, text);
    return mine.length;
  }

  closeUsers(userIds: ReadonlySet<string>, reason: string): void {
    for (const conn of this.byId.values()) if (userIds.has(conn.userId)) conn.ws.close(1000, reason);
  }

  list(): { connection_id: string; user_id: string }[] {
    return [...this.byId.entries()].map(([id, c]) => ({ connection_id: id, user_id: c.userId }));
  }
}
