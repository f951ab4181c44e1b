import { createServer, type AddressInfo, type Socket } from 'node:net';
import { ObjectId, type Document } from 'bson';
import { appNameOf, helloAwaitMs, runCommand, type CommandContext } from './commands';
import { ErrorCodes } from './errors';
import { FailPoints, type CommandFailure } from './fail-points';
import { Store } from './store';
import { TtlMonitor } from './ttl';
import { completeMessageLength, encodeMsgReply, encodeOpReply, parseMessage } from './wire';

/**
 * Outages a test can switch on and off without restarting the emulator (the data stays):
 * - `stall`: connections are accepted and requests read, but nothing is answered (a paused process, a network
 *   partition). Requests held meanwhile are answered in order once the fault ends, as a resumed process would.
 * - `refuse`: the listener closes and every open connection is dropped, so connecting fails with ECONNREFUSED
 *   (a stopped process); the emulator listens again on the same port when the fault ends.
 */
export type MongoFault = 'none' | 'stall' | 'refuse';

export interface MongoEmulator {
  readonly uri: string;
  readonly port: number;
  readonly fault: MongoFault;
  /** Switches a fault on, or off with 'none'; resolves once the listener is in the new state. */
  setFault(fault: MongoFault): Promise<void>;
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
  const failPoints = new FailPoints();
  const ttl = new TtlMonitor(store, log);
  const processId = new ObjectId();
  const sockets = new Set<Socket>();
  let nextConnectionId = 1;
  let nextRequestId = 1;
  let fault: MongoFault = 'none';
  /** Work held back while stalled: run in order when the stall ends. */
  let held: (() => void)[] = [];
  const whenAnswering = (work: () => void): void => {
    if (fault === 'stall') held.push(work);
    else work();
  };

  /**
   * An awaitable `hello` answers after `maxAwaitTimeMS`; with exhaustAllowed it then keeps answering every
   * `maxAwaitTimeMS` with moreToCome set, each reply responding to the previous one, until the client hangs up.
   */
  const streamHello = (
    socket: Socket,
    ctx: CommandContext,
    command: Document,
    responseTo: number,
    waitMs: number,
    exhaust: boolean,
  ): void => {
    let timer: NodeJS.Timeout | undefined;
    const stop = (): void => clearTimeout(timer);
    socket.once('close', stop); // once per stream, not per reply
    const replyAfterWait = (previous: number): void => {
      timer = setTimeout(() => {
        whenAnswering(() => {
          if (socket.destroyed) return;
          const requestId = nextRequestId++;
          socket.write(encodeMsgReply(requestId, previous, runCommand(command, ctx), exhaust));
          if (exhaust) replyAfterWait(requestId);
          else socket.off('close', stop);
        });
      }, waitMs);
    };
    replyAfterWait(responseTo);
  };

  /** Runs a command; a bug in the emulator answers InternalError (and is logged) rather than crash the server. */
  const execute = (command: Document, ctx: CommandContext): Document => {
    try {
      return runCommand(command, ctx);
    } catch (e) {
      const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
      log(`mongo emulator: internal error in ${Object.keys(command)[0]}: ${message}`);
      return { ok: 0, errmsg: String(e), code: ErrorCodes.InternalError, codeName: 'InternalError' };
    }
  };

  /** A command the failCommand fail point matched: blocked, dropped, failed or given a write concern error. */
  const failCommand = (
    socket: Socket,
    ctx: CommandContext,
    command: Document,
    reply: (doc: Document) => void,
    failure: CommandFailure,
  ): void => {
    const act = (): void => {
      if (socket.destroyed) return;
      if (failure.closeConnection) return void socket.destroy();
      if (failure.errorReply) return reply(failure.errorReply);
      const result = execute(command, ctx);
      reply(failure.writeConcernError ? { ...result, writeConcernError: failure.writeConcernError } : result);
    };
    if (failure.blockTimeMs > 0) setTimeout(() => whenAnswering(act), failure.blockTimeMs);
    else act();
  };

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
    ctx.appName ??= appNameOf(command);
    if (request.kind === 'query') {
      socket.write(encodeOpReply(nextRequestId++, requestId, execute(command, ctx)));
      return;
    }
    const reply = (doc: Document): void => {
      if (!request.moreToCome) socket.write(encodeMsgReply(nextRequestId++, requestId, doc));
    };
    const failure = failPoints.hit(Object.keys(command)[0] ?? '', ctx.appName);
    if (failure) return failCommand(socket, ctx, command, reply, failure);
    const result = execute(command, ctx);
    // A hello that ran without error has valid awaitable fields.
    const waitMs = result.ok === 1 ? helloAwaitMs(command, ctx) : 0;
    if (waitMs > 0) streamHello(socket, ctx, command, requestId, waitMs, request.exhaustAllowed);
    else reply(result);
  };

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    if (fault === 'refuse') {
      socket.destroy(); // accepted between close() and the listener going away
      return;
    }
    const ctx: CommandContext = { store, failPoints, ttl, connectionId: nextConnectionId++, processId };
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      try {
        let length: number;
        while ((length = completeMessageLength(pending)) > 0) {
          const msg = pending.subarray(0, length);
          pending = pending.subarray(length);
          whenAnswering(() => {
            if (!socket.destroyed) handle(socket, ctx, msg);
          });
        }
      } catch (e) {
        log(`mongo emulator: bad message on connection ${ctx.connectionId}: ${String(e)}`);
        socket.destroy();
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });

  const listen = (port: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stopListening = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      for (const socket of sockets) socket.destroy();
      server.close((err) => (err ? reject(err) : resolve()));
    });
  await listen(opts.port ?? 0);
  const { port } = server.address() as AddressInfo;
  const uri = `mongodb://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  log(`mongo emulator listening on ${uri}`);
  ttl.start();

  return {
    uri,
    port,
    get fault() {
      return fault;
    },
    async setFault(next: MongoFault): Promise<void> {
      const previous = fault;
      fault = next;
      log(`mongo emulator: fault ${next}`);
      if (previous === 'refuse' && next !== 'refuse') await listen(port);
      if (next === 'refuse' && previous !== 'refuse') {
        held = [];
        await stopListening();
      }
      if (next !== 'stall') {
        const resumed = held;
        held = [];
        for (const work of resumed) work();
      }
    },
    reset: () => store.reset(),
    close: async () => {
      ttl.stop();
      held = [];
      if (fault !== 'refuse') await stopListening();
    },
  };
}
