import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { Document } from 'bson';
import { runCommand, type CommandContext } from './commands';
import { ErrorCodes } from './errors';
import { Store } from './store';
import { completeMessageLength, encodeMsgReply, encodeOpReply, parseMessage } from './wire';

export interface MongoEmulator {
  readonly uri: string;
  readonly port: number;
  /** Drops every database and cursor; the server keeps listening. */
  reset(): void;
  /** Closes every client socket and the listener. */
  close(): Promise<void>;
}

export interface MongoEmulatorOptions {
  port?: number;
  host?: string;
  logger?: (line: string) => void;
}

export async function startMongoEmulator(opts: MongoEmulatorOptions = {}): Promise<MongoEmulator> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.logger ?? (() => undefined);
  const store = new Store();
  const sockets = new Set<Socket>();
  let nextConnectionId = 1;
  let nextRequestId = 1;

  const handle = (socket: Socket, ctx: CommandContext, msg: Buffer): void => {
    const request = parseMessage(msg);
    const { requestId } = request.header;
    if (request.kind === 'unsupported') {
      log(
        `mongo emulator: unsupported opcode ${request.header.opCode}, closing connection ${ctx.connectionId}`,
      );
      socket.destroy();
      return;
    }
    if (request.kind === 'query' && !request.collection.endsWith('.$cmd')) {
      // Legacy OP_QUERY reads were removed from mongod 5.1+; only the handshake still uses OP_QUERY.
      const reply = { $err: 'OP_QUERY is no longer supported', code: 5739101, ok: 0 };
      socket.write(encodeOpReply(nextRequestId++, requestId, reply));
      return;
    }
    const command: Document =
      request.kind === 'query'
        ? { ...request.command, $db: request.collection.slice(0, -'.$cmd'.length) }
        : request.command;
    let reply: Document;
    try {
      reply = runCommand(command, ctx);
    } catch (e) {
      const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
      log(`mongo emulator: internal error in ${Object.keys(command)[0]}: ${message}`);
      reply = { ok: 0, errmsg: String(e), code: ErrorCodes.InternalError, codeName: 'InternalError' };
    }
    if (request.kind === 'msg') {
      if (!request.moreToCome) socket.write(encodeMsgReply(nextRequestId++, requestId, reply));
    } else {
      socket.write(encodeOpReply(nextRequestId++, requestId, reply));
    }
  };

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const ctx: CommandContext = { store, connectionId: nextConnectionId++ };
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      try {
        let length: number;
        while ((length = completeMessageLength(pending)) > 0) {
          const msg = pending.subarray(0, length);
          pending = pending.subarray(length);
          handle(socket, ctx, msg);
        }
      } catch (e) {
        log(`mongo emulator: bad message on connection ${ctx.connectionId}: ${String(e)}`);
        socket.destroy();
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const uri = `mongodb://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  log(`mongo emulator listening on ${uri}`);

  return {
    uri,
    port,
    reset: () => store.reset(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
