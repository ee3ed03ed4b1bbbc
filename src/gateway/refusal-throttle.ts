/**
 * Slows down refusals on a connection that keeps getting them — brute-force and flood
 * protection for the Node adapter.
 *
 * A refusal is already cheap to compute, but a client that sends bad signatures as fast as it
 * can still takes CPU from everyone else on a small machine. So after a few consecutive
 * refusals on one keep-alive connection, each further refusal on it is answered only after a
 * delay that doubles up to a cap: a flooding connection gets about one answer per cap, and
 * guessing signatures becomes hopeless. A verified request on the connection starts it over;
 * valid requests are never delayed, and other connections are never affected.
 *
 * Reconnecting does not escape: when a connection closes with refusals since its last verified
 * request, its peer address is remembered for a while (in a bounded table) with that count, and
 * the peer's next connection starts where it left off — so a client that opens a new connection
 * per request is throttled too. Timers are unref'd, cleared when their connection closes, and `flush()` answers
 * every waiting refusal at once so shutdown is never held by one.
 */
import type { Socket } from 'node:net';

/** Options for {@link createRefusalThrottle}. */
export interface RefusalThrottleOptions {
  /** Longest delay before a refusal is answered; `0` turns throttling off. Default 1000 ms. */
  readonly maxDelayMs?: number;
  /** Delay of the first throttled refusal, doubled for each next one. Default 10 ms. */
  readonly firstDelayMs?: number;
  /** Consecutive refusals on a connection answered at once before delays start. Default 3. */
  readonly freeRefusals?: number;
  /** How long a peer whose connection closed while refused carries that over to new ones. Default 60 s. */
  readonly peerMemoryMs?: number;
  /** Most peers remembered; the oldest are forgotten first. Default 4096. */
  readonly peerTableSize?: number;
  /** Delayed refusals one connection may have waiting; past it the connection is closed. Default 32. */
  readonly maxPendingPerConnection?: number;
}

/** Counters, for operators and tests. */
export interface RefusalThrottleStats {
  /** Refusals answered after a delay (or at shutdown), since start. */
  readonly delayed: number;
  /** Refusals waiting for their delay now. */
  readonly pending: number;
  /** Peers remembered now. */
  readonly peers: number;
}

/** The throttle the Node adapter consults for every refusal and every verified request. */
export interface RefusalThrottle {
  /** Records a refusal on `connection`; calls `send` now or once the connection's delay has passed. */
  refuse(connection: Socket, send: () => void): void;
  /** A verified request on `connection`: its refusals start over. */
  pass(connection: Socket): void;
  /** Answers every waiting refusal now and stops delaying (shutdown). */
  flush(): void;
  readonly stats: RefusalThrottleStats;
}

interface Waiting {
  readonly timer: NodeJS.Timeout;
  readonly send: () => void;
  readonly owner: ConnectionState;
}

interface ConnectionState {
  streak: number;
  /** When the last delayed refusal is due: pipelined requests queue behind it, not beside it. */
  nextAt: number;
  readonly peer: string | undefined;
  readonly waiting: Set<Waiting>;
}

/**
 * Creates a refusal throttle. With `maxDelayMs: 0` it answers every refusal at once.
 *
 * @example
 * const throttle = createRefusalThrottle({ maxDelayMs: 1000 })
 * throttle.refuse(req.socket, () => res.writeHead(403).end(body))
 */
export function createRefusalThrottle(options: RefusalThrottleOptions = {}): RefusalThrottle {
  const maxDelay = options.maxDelayMs ?? 1000;
  const firstDelay = Math.min(options.firstDelayMs ?? 10, maxDelay);
  const free = options.freeRefusals ?? 3;
  const peerMemoryMs = options.peerMemoryMs ?? 60_000;
  const peerTableSize = options.peerTableSize ?? 4096;
  const maxPending = options.maxPendingPerConnection ?? 32;
  const connections = new WeakMap<Socket, ConnectionState>();
  const peers = new Map<string, { streak: number; until: number }>();
  const all = new Set<Waiting>();
  let delayed = 0;
  let flushed = false;

  const remember = (state: ConnectionState): void => {
    if (state.peer === undefined || state.streak === 0) return;
    const known = peers.get(state.peer);
    const now = Date.now();
    // Parallel connections each inherited the count: the one that went furthest sets it.
    const streak = known !== undefined && known.until > now ? Math.max(known.streak, state.streak) : state.streak;
    peers.delete(state.peer); // re-inserted last, so the table forgets the stalest peer first
    peers.set(state.peer, { streak, until: now + peerMemoryMs });
    for (const oldest of peers.keys()) {
      if (peers.size <= peerTableSize) break;
      peers.delete(oldest);
    }
  };

  const stateOf = (connection: Socket): ConnectionState => {
    let state = connections.get(connection);
    if (state !== undefined) return state;
    const peer = connection.remoteAddress;
    let known = peer === undefined ? undefined : peers.get(peer);
    if (known !== undefined && known.until <= Date.now()) {
      peers.delete(peer!);
      known = undefined;
    }
    state = { streak: known?.streak ?? 0, nextAt: 0, peer, waiting: new Set() };
    connections.set(connection, state);
    const settled = state;
    connection.once('close', () => {
      // Nobody is left to answer: drop the waiting refusals with their timers.
      for (const waiting of settled.waiting) {
        clearTimeout(waiting.timer);
        all.delete(waiting);
      }
      settled.waiting.clear();
      remember(settled);
    });
    return state;
  };

  const answer = (waiting: Waiting): void => {
    clearTimeout(waiting.timer);
    all.delete(waiting);
    waiting.owner.waiting.delete(waiting);
    delayed += 1;
    waiting.send();
  };

  return {
    refuse(connection, send) {
      if (maxDelay <= 0 || flushed) {
        send();
        return;
      }
      const state = stateOf(connection);
      state.streak += 1;
      if (state.streak <= free) {
        send();
        return;
      }
      if (state.waiting.size >= maxPending) {
        // A client pipelining into the throttle gets its connection closed, not more memory.
        connection.destroy();
        return;
      }
      const delay = Math.min(maxDelay, firstDelay * 2 ** Math.min(state.streak - free - 1, 30));
      const now = Date.now();
      state.nextAt = Math.max(now, state.nextAt) + delay;
      const waiting: Waiting = { timer: setTimeout(() => answer(waiting), state.nextAt - now).unref(), send, owner: state };
      state.waiting.add(waiting);
      all.add(waiting);
    },
    pass(connection) {
      const state = connections.get(connection);
      if (state !== undefined) state.streak = 0;
    },
    flush() {
      flushed = true;
      for (const waiting of [...all]) answer(waiting);
    },
    get stats() {
      return { delayed, pending: all.size, peers: peers.size };
    },
  };
}
