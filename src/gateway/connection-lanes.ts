/**
 * One forwarded request at a time per client connection.
 *
 * HTTP/1.1 answers pipelined requests in order, so a request behind another on the same
 * connection gains nothing from reaching the upstream early — but dispatched at once, every one
 * would hold a pooled upstream connection while waiting for the client to read the answers
 * before it, and a client that pipelines thousands and never reads would hold the whole pool
 * and grow memory without bound. So each connection has a lane: its requests are forwarded one
 * after another, the next when the previous one is done; a lane that backs up pauses reading
 * from the client (and past a hard bound, closes the connection); and a connection that closes
 * ends what it had running and cancels what was waiting — once, from the socket's own `close`,
 * which fires even for responses that never reached the front of the queue.
 */
import type { Socket } from 'node:net';

/** A request waiting for its turn on a lane. */
export interface LaneJob {
  /** Starts forwarding; calls `done` once when the request is over, however it ended. */
  start(done: () => void): { abort(reason: 'CLIENT_CLOSED' | 'SHUTDOWN'): void };
  /** Ends it without forwarding (its connection closed, or shutdown). */
  cancel(reason: 'CLIENT_CLOSED' | 'SHUTDOWN'): void;
}

/** Lanes of every client connection. */
export interface ConnectionLanes {
  /** Forwards `job` now, or when the connection's requests before it are done. */
  enqueue(connection: Socket, job: LaneJob): void;
  /** Ends every running request and cancels every waiting one (shutdown). */
  abortAll(): void;
  /** Requests running or waiting, across all connections. */
  readonly size: number;
}

interface Lane {
  readonly connection: Socket;
  running: { abort(reason: 'CLIENT_CLOSED' | 'SHUTDOWN'): void } | undefined;
  readonly waiting: LaneJob[];
  closed: boolean;
  paused: boolean;
}

/**
 * Waiting requests on one connection above which reading from it pauses. Node resumes the
 * socket when it reads a request body, so with body methods allowed {@link CLOSE_AT} is the
 * bound that holds.
 */
const PAUSE_AT = 16;
/** Waiting requests on one connection above which it is closed: no client needs this many. */
const CLOSE_AT = 1024;

/**
 * Creates the lanes.
 *
 * @example lanes.enqueue(req.socket, { start: (done) => proxy.forward(…, done), cancel: (reason) => count(reason) })
 */
export function createConnectionLanes(): ConnectionLanes {
  const lanes = new WeakMap<Socket, Lane>();
  const busy = new Set<Lane>();

  const next = (lane: Lane): void => {
    lane.running = undefined;
    const job = lane.waiting.shift();
    if (job === undefined) {
      busy.delete(lane);
      return;
    }
    if (lane.paused && lane.waiting.length < PAUSE_AT / 2) {
      lane.paused = false;
      lane.connection.resume();
    }
    run(lane, job);
  };

  const run = (lane: Lane, job: LaneJob): void => {
    let finished = false;
    let returned = false;
    const running = job.start(() => {
      if (finished) return;
      finished = true;
      // A job that ends while still starting (refused by undici at once) moves on once started.
      if (returned) next(lane);
    });
    returned = true;
    if (finished) next(lane);
    else lane.running = running;
  };

  const end = (lane: Lane, reason: 'CLIENT_CLOSED' | 'SHUTDOWN'): void => {
    for (const job of lane.waiting.splice(0)) job.cancel(reason);
    const running = lane.running;
    lane.running = undefined;
    busy.delete(lane);
    running?.abort(reason);
  };

  const laneOf = (connection: Socket): Lane => {
    let lane = lanes.get(connection);
    if (lane !== undefined) return lane;
    const created: Lane = { connection, running: undefined, waiting: [], closed: false, paused: false };
    lanes.set(connection, created);
    connection.once('close', () => {
      created.closed = true;
      end(created, 'CLIENT_CLOSED');
    });
    return (lane = created);
  };

  return {
    enqueue(connection, job) {
      const lane = laneOf(connection);
      if (lane.closed) return job.cancel('CLIENT_CLOSED');
      busy.add(lane);
      if (lane.running === undefined) return run(lane, job);
      lane.waiting.push(job);
      if (lane.waiting.length > CLOSE_AT) connection.destroy();
      else if (lane.waiting.length > PAUSE_AT && !lane.paused) {
        lane.paused = true;
        connection.pause();
      }
    },
    abortAll() {
      for (const lane of [...busy]) end(lane, 'SHUTDOWN');
    },
    get size() {
      let count = 0;
      for (const lane of busy) count += lane.waiting.length + (lane.running === undefined ? 0 : 1);
      return count;
    },
  };
}
