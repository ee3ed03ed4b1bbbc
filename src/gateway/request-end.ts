/**
 * How a `node:http` handler (the gateway, `--auth-only`) ends a request it decided on: the
 * outcome counted in usage as soon as it is known, the request log line written with who sent
 * it, and a refusal rendered — text or JSON as the client asks, with the request id — and
 * answered through the refusal throttle.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { renderRefusal, wantsJson, type Refusal } from '../http/refusal.js';
import type { ParserRefusal } from './connection-guards.js';
import type { Outcome } from './outcome.js';
import type { RefusalThrottle } from './refusal-throttle.js';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id.js';
import { pathOf, requesterFields, type RequestLogger } from './request-log.js';
import type { UsageRecorder } from './usage-recorder.js';

/** Where outcomes go. */
export interface RequestEndOptions {
  readonly usage?: UsageRecorder | undefined;
  readonly log?: RequestLogger | undefined;
  readonly throttle?: RefusalThrottle | undefined;
  /** True for a peer whose forwarded headers are believed (the screen's `trusts`). */
  readonly trusts: (peer: string | undefined) => boolean;
}

/** One request as the handler received it: what its count and log line are made from. */
export interface Received {
  readonly req: IncomingMessage;
  /** The raw target; only its path is logged. */
  readonly target: string;
  /** `performance.now()` when the request arrived. */
  readonly started: number;
  readonly requestId: string;
  /** True when the peer is a trusted proxy. */
  readonly trusted: boolean;
}

/** How a request ended. */
export interface Ending {
  readonly status: number;
  readonly outcome: Outcome;
  readonly credential?: string | undefined;
  readonly channel?: string | undefined;
  /** Response body bytes. */
  readonly bytes: number;
  readonly upstreamStatus?: number | undefined;
}

/** Ends requests. */
export interface RequestEnd {
  /** What is known of `req` when it arrives: its id (a trusted proxy's, or a new one) and trust. */
  receive(req: IncomingMessage, target: string, started: number): Received;
  /** Counts how a request ended. */
  count(ending: Ending): void;
  /** Writes its log line. */
  record(received: Received, ending: Ending): void;
  /**
   * Counts, logs and answers a refusal (after the throttle's delay); `headers` are added to
   * the answer. With `hasBody` the connection closes after it, the body being unread.
   */
  refuse(received: Received, res: ServerResponse, refusal: Refusal, hasBody: boolean, headers?: Readonly<Record<string, string>>): void;
  /** Counts and logs a refusal of bytes Node's parser would not take (no method, no path). */
  parserRefused(refused: ParserRefusal): void;
}

/**
 * Creates the request end for `options`.
 *
 * @example const end = createRequestEnd({ usage, log, throttle, trusts: screen.trusts }); end.refuse(end.receive(req, target, started), res, refusal, false)
 */
export function createRequestEnd(options: RequestEndOptions): RequestEnd {
  const { usage, log, throttle, trusts } = options;
  const count = (ending: Ending): void => usage?.count(ending.credential ?? '', ending.channel ?? '', ending.outcome);
  const record = (received: Received, ending: Ending): void => {
    if (log === undefined) return;
    const { req, target, started, requestId } = received;
    const { status, outcome, credential, channel, bytes, upstreamStatus } = ending;
    log({ method: req.method ?? '', path: pathOf(target), status, outcome, credential, channel, ms: performance.now() - started, requestId, ...requesterFields(req, trusts), bytes, upstreamStatus });
  };
  return {
    receive(req, target, started) {
      const trusted = trusts(req.socket.remoteAddress);
      return { req, target, started, requestId: requestIdFor(req.headers[REQUEST_ID_HEADER], trusted), trusted };
    },
    count,
    record,
    refuse(received, res, refusal, hasBody, extra) {
      const { req } = received;
      const body = renderRefusal(refusal, wantsJson(req.headers.accept));
      const length = Buffer.byteLength(body.body);
      // Only ids the gateway knows are counted: unauthenticated input must not create rows.
      const ending = { status: refusal.status, outcome: refusal.reason, credential: refusal.reason === 'UNKNOWN_CREDENTIAL' ? undefined : refusal.credentialId, bytes: req.method === 'HEAD' ? 0 : length };
      count(ending);
      record(received, ending);
      // An unread body leaves the connection in an unknown state: end it after the answer.
      const headers: Record<string, string | number> = { ...body.headers, ...extra, 'content-length': length, [REQUEST_ID_HEADER]: received.requestId };
      if (hasBody) headers['connection'] = 'close';
      const answer = (): void => void res.writeHead(body.status, headers).end(body.body);
      if (throttle === undefined) answer();
      else throttle.refuse(req.socket, answer);
    },
    parserRefused({ refusal, requestId, bytes, client }) {
      count({ status: refusal.status, outcome: refusal.reason, bytes });
      log?.({ method: '', path: '', status: refusal.status, outcome: refusal.reason, ms: 0, requestId, client, bytes });
    },
  };
}
